/** Bars of a histogram with its range under it. */
export function Histogram({ counts, min, max, label, labels }: { counts: number[]; min?: number; max?: number; label?: string; labels?: string[] }) {
  const top = Math.max(1, ...counts);
  const w = 100 / Math.max(counts.length, 1);
  return (
    <figure className="histogram">
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label={label ?? 'histogram'}>
        {counts.map((c, i) => (
          <rect key={i} x={i * w + w * 0.08} width={w * 0.84} y={40 - (c / top) * 38} height={(c / top) * 38}>
            <title>{`${labels?.[i] ?? i}: ${c}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption>
        {label ? <span>{label} </span> : null}
        {min !== undefined && max !== undefined ? (
          <span className="histogram__range">
            {min.toPrecision(3)} … {max.toPrecision(3)}
          </span>
        ) : labels ? (
          <span className="histogram__range">{labels.length} bins</span>
        ) : null}
      </figcaption>
    </figure>
  );
}
