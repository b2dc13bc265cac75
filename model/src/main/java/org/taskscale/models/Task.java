package org.taskscale.models;

import java.util.List;

/**
 * What a model learns, which fixes what the data pipeline feeds it: the input, and for each output (in the
 * graph's output order) its name and the label it is trained against. Images are float tensors in [0, 1]
 * (Lab planes scaled as stated).
 */
public enum Task {
    /** SRCNN: the LR image bicubic-upsampled to HR size in, the HR image out. */
    SUPER_RESOLUTION_PREUPSAMPLED("the LR image, bicubic-upsampled to the HR size", List.of(new Output("out", "the HR image"))),
    /** EDSR: the LR image in, the HR image (scale times larger) out. */
    SUPER_RESOLUTION("the LR image", List.of(new Output("out", "the HR image"))),
    /** ARCNN: the JPEG-compressed image in, the clean image out. */
    JPEG_RESTORATION("the JPEG-compressed image", List.of(new Output("out", "the uncompressed image"))),
    /** Colorization: L/100 of CIE Lab in, (a/110, b/110) out. */
    COLORIZATION("the L plane of CIE Lab, divided by 100", List.of(new Output("out", "the a and b planes, divided by 110"))),
    /** TAD/TAR rescaling: the HR image in; the learned LR image and the reconstruction out. */
    RESCALING("the HR image", List.of(new Output("lr", "the bicubic LR image (guidance)"),
            new Output("hr", "the HR image"))),
    /** TAR colour embedding: the RGB image in; the grey embedding and the recoloured image out. */
    COLOR_EMBEDDING("the RGB image", List.of(new Output("grey", "the BT.601 luma of the input (guidance)"),
            new Output("rgb", "the RGB image")));

    /** A graph output: its name and the label it is trained against. */
    public record Output(String name, String label) {}

    private final String input;
    private final List<Output> outputs;

    Task(String input, List<Output> outputs) {
        this.input = input;
        this.outputs = outputs;
    }

    /** What the network input holds. */
    public String input() {
        return input;
    }

    /** The graph's outputs in order (labels are given in this order). */
    public List<Output> outputs() {
        return outputs;
    }

    /** The graph's output names in order. */
    public String[] outputNames() {
        return outputs.stream().map(Output::name).toArray(String[]::new);
    }
}
