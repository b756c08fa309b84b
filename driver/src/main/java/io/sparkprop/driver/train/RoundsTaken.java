package io.sparkprop.driver.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a run's rounds ran, as chosen from the settings and the workers: what the log's first line states and
 * model.json's {@code training.rounds} records, so a model says what its settings meant on its cluster.
 *
 * @param workers       W, the blocks (task slots) trained on
 * @param localSteps    K, the local steps per round (1: synchronous)
 * @param outerRate     the outer step's rate (1 with momentum 0: plain averaging; unused when K = 1)
 * @param outerMomentum the outer step's Nesterov momentum
 * @param rateScale     the factor train.learningRate was taken with (train.learningRateScale resolved)
 * @param learningRate  the learning rate the schedule started from, train.learningRate x rateScale
 * @param warmupSteps   the warm-up taken, in iterations (train.warmupSteps, or one epoch for a scaled rate)
 */
public record RoundsTaken(int workers, int localSteps, double outerRate, double outerMomentum, double rateScale,
                          double learningRate, long warmupSteps) {

    /** The record as model.json holds it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", workers);
        m.put("localSteps", localSteps);
        m.put("outerLearningRate", outerRate);
        m.put("outerMomentum", outerMomentum);
        m.put("learningRateScale", rateScale);
        m.put("learningRate", learningRate);
        m.put("warmupSteps", warmupSteps);
        return m;
    }
}
