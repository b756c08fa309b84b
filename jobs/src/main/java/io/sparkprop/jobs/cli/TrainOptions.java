package io.sparkprop.jobs.cli;

import picocli.CommandLine.Option;

/** The model and output shortcuts of train (which config takes too); each sets one configuration key. */
final class TrainOptions {
    @Option(names = "--task", description = "classification or regression (model.task).")
    String task;
    @Option(names = "--hidden", paramLabel = "N,N", description = "Hidden layer widths, e.g. 256,128 (model.hidden).")
    String hidden;
    @Option(names = "--batch-size", description = "Examples per iteration (train.batchSize).")
    Integer batchSize;
    @Option(names = "--optimizer", description = "sgd, momentum, nesterov, adam or adamw (train.optimizer).")
    String optimizer;
    @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (train.learningRate).")
    Double learningRate;
    @Option(names = "--seed", description = "Seed (train.seed).")
    Long seed;
    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write the model (output.model).")
    String output;
    @Option(names = "--overwrite", description = "Replace a model that sparkprop wrote at the output path (output.overwrite); nothing else is replaced.")
    Boolean overwrite;

    void put(Shortcuts s) {
        s.put("--task", "model.task", task);
        s.put("--hidden", "model.hidden", hidden);
        s.put("--batch-size", "train.batchSize", batchSize);
        s.put("--optimizer", "train.optimizer", optimizer);
        s.put("--lr", "train.learningRate", learningRate);
        s.put("--seed", "train.seed", seed);
        s.put("--output", "output.model", output);
        s.put("--overwrite", "output.overwrite", overwrite);
    }
}
