/**
 * Images on the CPU: decoding and encoding (PNG, JPEG with libjpeg's quality, TIFF, WebP...), MATLAB-exact bicubic
 * resizing, colour spaces and the metrics of the field's protocol (PSNR, SSIM, PSNR-B). Uses nothing else of
 * taskscale.
 */
package org.taskscale.image;
