import { useEffect, useRef, useState } from 'react';
import { drawThumbnail } from '../../viewer/index.ts';

/** One series' middle image, drawn small. A file that cannot be decoded shows a mark, not an empty box. */
export function SeriesThumbnail({ imageId }: { imageId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    const target = canvas.current;
    if (!target) return;
    drawThumbnail(target, imageId, () => cancelled).catch(() => {
      if (!cancelled) setFailed(true);
    });
    return () => {
      cancelled = true;
    };
  }, [imageId]);
  return (
    <span className="viewer-thumb" data-failed={failed ? 'true' : undefined}>
      <canvas ref={canvas} aria-hidden="true" />
      {failed && <span className="viewer-thumb-failed">No preview</span>}
    </span>
  );
}
