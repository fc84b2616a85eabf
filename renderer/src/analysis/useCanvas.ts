import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

function subscribeTheme(cb: () => void): () => void {
  const observer = new MutationObserver(cb);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

/** The theme shown (light or dark), so canvases redraw in the other theme's colours. */
export function useThemeKey(): string {
  return useSyncExternalStore(subscribeTheme, () => document.documentElement.dataset.theme ?? 'light');
}

/**
 * A canvas as wide as its box and `aspect` times as tall, sharp on high-density
 * screens, redrawn when its size, the theme or `deps` change. `draw` gets CSS pixels.
 */
export function useCanvas(draw: (ctx: CanvasRenderingContext2D, width: number, height: number) => void, deps: unknown[], aspect: number) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const theme = useThemeKey();
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const measure = () => setWidth(Math.round(canvas.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || width <= 0) return;
    const height = Math.round(width * aspect);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.height = `${height}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    draw(ctx, width, height);
  }, [width, theme, aspect, ...deps]); // eslint-disable-line react-hooks/exhaustive-deps
  return ref;
}
