#!/usr/bin/env python3
"""Writes attack-scores.csv: a synthetic membership-inference audit for the epsilon-estimate demo.

Two audited models, 2,000 challenges each (half members). A member's attack score is N(mu, 1) and a non-member's
N(0, 1), so the optimal threshold attack at t has FPR = 1 - Phi(t) and FNR = Phi(t - mu); mu = 1.0 for model
"dpsgd-eps1" and 2.0 for "dpsgd-eps8". Deterministic: Python's random.Random with a fixed seed. Standard library only.
"""
import random

rng = random.Random(20231127)
with open("attack-scores.csv", "w") as f:
    f.write("model,challenge_id,is_member,score\n")
    cid = 0
    for model, mu in (("dpsgd-eps1", 1.0), ("dpsgd-eps8", 2.0)):
        for i in range(2000):
            member = i % 2
            score = rng.gauss(mu * member, 1.0)
            f.write(f"{model},{cid},{member},{score:.6f}\n")
            cid += 1
