/** Real roots of a·x³ + b·x² + c·x + d (a may be 0), each refined by Newton steps. */
export function realCubicRoots(a: number, b: number, c: number, d: number): number[] {
  let roots: number[];
  if (Math.abs(a) < 1e-300 || Math.abs(a) < 1e-14 * (Math.abs(b) + Math.abs(c) + Math.abs(d))) {
    roots = realQuadraticRoots(b, c, d);
  } else {
    const p = b / a;
    const q = c / a;
    const r = d / a;
    // Depressed cubic t³ + P t + Q with x = t − p/3.
    const P = q - (p * p) / 3;
    const Q = (2 * p * p * p) / 27 - (p * q) / 3 + r;
    const discriminant = (Q * Q) / 4 + (P * P * P) / 27;
    if (discriminant > 0) {
      const s = Math.sqrt(discriminant);
      const u = Math.cbrt(-Q / 2 + s);
      const v = Math.cbrt(-Q / 2 - s);
      roots = [u + v - p / 3];
    } else {
      const radius = Math.sqrt(Math.max(0, -P / 3));
      const argument =
        radius === 0 ? 0 : Math.max(-1, Math.min(1, -Q / 2 / (radius * radius * radius)));
      const phi = Math.acos(argument);
      roots = [0, 1, 2].map((k) => 2 * radius * Math.cos((phi - 2 * Math.PI * k) / 3) - p / 3);
    }
  }
  return roots.map((x) => {
    let y = x;
    for (let step = 0; step < 3; step++) {
      const value = ((a * y + b) * y + c) * y + d;
      const slope = (3 * a * y + 2 * b) * y + c;
      if (slope === 0) break;
      const next = y - value / slope;
      if (!Number.isFinite(next)) break;
      y = next;
    }
    return y;
  });
}

function realQuadraticRoots(a: number, b: number, c: number): number[] {
  if (Math.abs(a) < 1e-300) return Math.abs(b) < 1e-300 ? [] : [-c / b];
  const discriminant = b * b - 4 * a * c;
  if (discriminant < 0) return [];
  const s = Math.sqrt(discriminant);
  const q = -0.5 * (b + Math.sign(b || 1) * s);
  return q === 0 ? [0] : [q / a, c / q];
}

/** The minimiser over α ≥ 0 of the quartic c4 α⁴ + c3 α³ + c2 α² + c1 α + c0 (0 if none is below f(0)). */
export function minimizeQuartic(
  c4: number,
  c3: number,
  c2: number,
  c1: number,
  c0: number,
): number {
  const value = (x: number): number => (((c4 * x + c3) * x + c2) * x + c1) * x + c0;
  let best = 0;
  let bestValue = c0;
  for (const root of realCubicRoots(4 * c4, 3 * c3, 2 * c2, c1)) {
    if (!(root > 0) || !Number.isFinite(root)) continue;
    const v = value(root);
    if (v < bestValue) {
      best = root;
      bestValue = v;
    }
  }
  return best;
}
