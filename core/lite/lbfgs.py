"""L-BFGS (Nocedal, 1980) with a backtracking Armijo line search, in numpy.

The quick head fits a smooth, strongly convex objective (multinomial logistic regression with an
L2 penalty) of a few thousand to a few tens of thousands of variables; L-BFGS solves it in tens of
iterations. SciPy's ``minimize`` would do the same, but it is about 100 MB installed, as big as the
whole Lite edition is meant to be, for these ~60 lines.

Only what a convex, smooth problem needs: the two-loop recursion over the last ``memory`` pairs,
a first step scaled to unit length, curvature pairs kept only when ``y.s > 0`` (always, for a
strictly convex objective), and stopping on a small gradient (relative to the start) or a
stalled objective.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]
ARMIJO = 1e-4  # sufficient decrease: f(x + t d) <= f(x) + ARMIJO * t * g.d
SHRINK = 0.5


@dataclass(frozen=True)
class Solution:
    """Where L-BFGS stopped, the objective there, and how it got there."""

    x: np.ndarray
    value: float
    iterations: int
    evaluations: int
    converged: bool


def minimize(
    objective: Objective,
    x0: np.ndarray,
    memory: int = 10,
    max_iter: int = 500,
    gtol: float = 1e-5,
    ftol: float = 1e-10,
) -> Solution:
    """Minimise ``objective`` (``x -> (value, gradient)``) from ``x0``.

    Stops when the gradient's largest entry fell below ``gtol`` times its first value (or 1), when
    a step improved the value by less than ``ftol`` relative to it, or after ``max_iter`` steps.
    """
    x = np.asarray(x0, dtype=np.float64).copy()
    value, grad = objective(x)
    evaluations = 1
    target = gtol * max(1.0, float(np.abs(grad).max()))
    pairs: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=memory)
    for iteration in range(1, max_iter + 1):
        if float(np.abs(grad).max()) <= target:
            return Solution(x, value, iteration - 1, evaluations, True)
        direction = -_two_loop(grad, pairs)
        slope = float(grad @ direction)
        if slope >= 0:  # not a descent direction (numerical trouble): restart from the gradient
            pairs.clear()
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0 if pairs else 1.0 / max(1.0, float(np.linalg.norm(direction)))
        while True:
            candidate = x + step * direction
            new_value, new_grad = objective(candidate)
            evaluations += 1
            if new_value <= value + ARMIJO * step * slope or step < 1e-12:
                break
            step *= SHRINK
        s, y = candidate - x, new_grad - grad
        ys = float(y @ s)
        if ys > 1e-12:
            pairs.append((s, y, 1.0 / ys))
        improvement = value - new_value
        x, value, grad = candidate, new_value, new_grad
        if 0 <= improvement <= ftol * max(1.0, abs(value)) or step < 1e-12:
            return Solution(x, value, iteration, evaluations, True)
    return Solution(x, value, max_iter, evaluations, False)


def _two_loop(grad: np.ndarray, pairs: deque[tuple[np.ndarray, np.ndarray, float]]) -> np.ndarray:
    """The inverse-Hessian approximation applied to ``grad`` (Nocedal and Wright, Alg. 7.4)."""
    q = grad.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        alpha = rho * float(s @ q)
        alphas.append(alpha)
        q -= alpha * y
    if pairs:
        s, y, _ = pairs[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y, rho), alpha in zip(pairs, reversed(alphas), strict=True):
        beta = rho * float(y @ q)
        q += (alpha - beta) * s
    return q
