"""Writes friedman1.csv: Friedman #1 (Friedman 1991, "Multivariate adaptive regression splines"),
scaled to the hundreds. x1..x10 ~ U[0, 1] (x6..x10 do not enter the target),
y = 200 + 10 * (10 sin(pi x1 x2) + 20 (x3 - 0.5)^2 + 10 x4 + 5 x5 + e), e ~ N(0, 1).
Deterministic: Python's Mersenne Twister seeded with 1991; run `python3 generate.py` to rebuild."""
import math
import random

ROWS = 1500
rng = random.Random(1991)
with open("friedman1.csv", "w") as out:
    out.write(",".join("x%d" % j for j in range(1, 11)) + ",y\n")
    for _ in range(ROWS):
        x = [rng.random() for _ in range(10)]
        f = 10 * math.sin(math.pi * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4]
        y = 200 + 10 * (f + rng.gauss(0, 1))
        out.write(",".join("%.4f" % v for v in x) + ",%.3f\n" % y)
