import { useEffect, useLayoutEffect, useState } from 'preact/hooks';

type ListRef = { readonly current: HTMLElement | null };

/** Rows drawn beyond the viewport on each side, so that a scroll shows drawn rows at once. */
const OVERSCAN = 30;
/** Rows drawn before the list has been measured: more than a tall screen holds. */
const FIRST_ROWS = 80;

export type RowWindow = { readonly from: number; readonly to: number };

const same = (a: RowWindow, b: RowWindow) => a.from === b.from && a.to === b.to;

/** Which of `count` rows of `rowPx` pixels the window shows, for a list that scrolls with the
 * page: only those (and OVERSCAN around them) are put in the DOM. Updated at most once a frame on
 * scroll and resize. */
export const useVisibleRows = (list: ListRef, count: number, rowPx: number): RowWindow => {
  const [rows, setRows] = useState<RowWindow>({ from: 0, to: Math.min(count, FIRST_ROWS) });
  useEffect(() => {
    let frame = 0;
    const measure = () => {
      frame = 0;
      const top = list.current?.getBoundingClientRect().top ?? 0;
      const scrolled = Math.max(0, -top);
      const from = Math.max(0, Math.floor(scrolled / rowPx) - OVERSCAN);
      const to = Math.min(count, Math.ceil((scrolled + window.innerHeight) / rowPx) + OVERSCAN);
      setRows((now) => (same(now, { from, to }) ? now : { from, to }));
    };
    const schedule = () => {
      if (frame === 0) frame = window.requestAnimationFrame(measure);
    };
    measure();
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule);
    return () => {
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      if (frame !== 0) window.cancelAnimationFrame(frame);
    };
  }, [list, count, rowPx]);
  return rows;
};

/** The height of a drawn row (its first one), once measured; `guess` until then. */
export const useRowHeight = (list: ListRef, guess: number): number => {
  const [rowPx, setRowPx] = useState(guess);
  useLayoutEffect(() => {
    const first = list.current?.querySelector(':scope > li:not(.diverged)');
    const height = first?.getBoundingClientRect().height ?? 0;
    if (height > 0 && Math.abs(height - rowPx) > 0.5) setRowPx(height);
  });
  return rowPx;
};
