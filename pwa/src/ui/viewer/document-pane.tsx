// A document in place of a viewport: a PDF in a frame, a photo, a structured
// report or typed note as an outline. The decrypted bytes live only in a
// blob: URL while the pane shows them: it is revoked when another item is
// chosen and when the pane unmounts (closing the viewer, or the lock, which
// unmounts the workspace), and nothing of it is kept elsewhere.
import { useEffect, useState } from 'react';
import { readEncapsulatedDocument, readStructuredReport, sniffMediaType } from '../../viewer/index.ts';
import type { DocumentItem, ReportNode, StructuredReport } from '../../viewer/index.ts';

export interface DocumentReaders {
  instance(sopInstanceUid: string): Promise<Uint8Array>;
  file(documentId: string, fileIndex: number): Promise<Uint8Array>;
}

type Shown =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'pdf' | 'image' | 'other'; url: string; mediaType: string; fileName: string }
  | { status: 'report'; report: StructuredReport }
  | { status: 'text'; text: string };

export function DocumentPane({ item, read }: { item: DocumentItem; read: DocumentReaders }) {
  const [shown, setShown] = useState<Shown>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    let url: string | null = null;
    const source = item.source;
    setShown({ status: 'loading' });
    const asBlob = (bytes: Uint8Array, mediaType: string, fileName: string) => {
      const status = mediaType === 'application/pdf' ? 'pdf' : mediaType === 'image/jpeg' || mediaType === 'image/png' ? 'image' : 'other';
      url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mediaType }));
      return { status, url, mediaType, fileName } as const;
    };
    const load = async (): Promise<Shown> => {
      switch (source.kind) {
        case 'text':
          return { status: 'text', text: source.text };
        case 'report':
          return { status: 'report', report: await readStructuredReport(await read.instance(source.sopInstanceUid), source.fileName) };
        case 'encapsulated': {
          const document = await readEncapsulatedDocument(await read.instance(source.sopInstanceUid), source.fileName);
          if (cancelled) return { status: 'loading' };
          return asBlob(document.bytes, document.mediaType, downloadName(source.fileName, document.mediaType));
        }
        case 'file': {
          const bytes = await read.file(source.documentId, source.fileIndex);
          if (cancelled) return { status: 'loading' };
          // The type recorded at import, checked against the bytes: a frame or an image only gets what it says it is.
          return asBlob(bytes, sniffMediaType(bytes) ?? source.mediaType, source.fileName);
        }
      }
    };
    load().then(
      (next) => {
        if (!cancelled) setShown(next);
      },
      (e: unknown) => {
        if (!cancelled) setShown({ status: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [item, read]);

  return (
    <section className="viewer-document" aria-label={`Document: ${item.title}`} data-testid="viewer-document" data-status={shown.status}>
      <header className="viewer-document-bar">
        <span className="viewer-document-title">{item.title}</span>
        {(shown.status === 'pdf' || shown.status === 'image' || shown.status === 'other') && (
          // Always works, also where the browser has no built-in PDF viewer.
          <a className="viewer-button viewer-document-download" href={shown.url} download={shown.fileName}>
            {shown.status === 'pdf' ? 'Download PDF' : 'Download'}
          </a>
        )}
      </header>
      <div className="viewer-document-body">
        {shown.status === 'loading' && <p className="viewer-document-note">Opening…</p>}
        {shown.status === 'error' && (
          <p className="viewer-document-note" role="alert">
            This document cannot be shown: {shown.message}
          </p>
        )}
        {shown.status === 'pdf' && <iframe className="viewer-document-frame" src={shown.url} title={item.title} />}
        {shown.status === 'image' && <img className="viewer-document-image" src={shown.url} alt={item.title} />}
        {shown.status === 'other' && (
          <p className="viewer-document-note">A {shown.mediaType} document: it cannot be shown here; download it to open it.</p>
        )}
        {shown.status === 'report' && <ReportOutline report={shown.report} />}
        {shown.status === 'text' && (
          <article className="viewer-report" tabIndex={0} aria-label={item.title}>
            <h2>{item.title}</h2>
            <p className="viewer-report-text">{shown.text}</p>
          </article>
        )}
      </div>
    </section>
  );
}

function downloadName(fileName: string, mediaType: string): string {
  const base = fileName.replace(/\.dcm$/i, '') || 'document';
  return mediaType === 'application/pdf' && !/\.pdf$/i.test(base) ? `${base}.pdf` : base;
}

const FLAGS: Record<string, string> = {
  COMPLETE: 'Complete',
  PARTIAL: 'Partial',
  VERIFIED: 'Verified',
  UNVERIFIED: 'Not verified',
};

/** A structured report as headings (containers) and name–value lines, scrollable and focusable for the keyboard. */
function ReportOutline({ report }: { report: StructuredReport }) {
  const facts = [
    FLAGS[report.completion] ?? report.completion,
    report.verification === 'VERIFIED' && report.verifiedBy.length > 0
      ? `Verified by ${report.verifiedBy.join(', ')}`
      : (FLAGS[report.verification] ?? report.verification),
    formatContentDate(report.contentDateTime),
  ].filter(Boolean);
  return (
    <article className="viewer-report" tabIndex={0} aria-label={`Structured report: ${report.title || 'untitled'}`}>
      <h2>{report.title || 'Structured report'}</h2>
      {facts.length > 0 && <p className="viewer-report-facts">{facts.join(' · ')}</p>}
      <ReportChildren nodes={report.root.children} level={3} />
      {report.truncated && <p className="viewer-report-facts">The report nests too deeply; its deepest items are left out.</p>}
    </article>
  );
}

function ReportChildren({ nodes, level }: { nodes: ReportNode[]; level: number }) {
  if (nodes.length === 0) return null;
  return (
    <ul className="viewer-report-list">
      {nodes.map((node, i) => (
        <ReportItem key={i} node={node} level={level} />
      ))}
    </ul>
  );
}

function ReportItem({ node, level }: { node: ReportNode; level: number }) {
  const relationship = node.relationship && node.relationship !== 'CONTAINS' ? node.relationship.toLowerCase() : null;
  if (node.valueType === 'CONTAINER') {
    const Heading = `h${Math.min(level, 6)}` as 'h3';
    return (
      <li className="viewer-report-container">
        {node.name && <Heading>{node.name}</Heading>}
        <ReportChildren nodes={node.children} level={node.name ? level + 1 : level} />
      </li>
    );
  }
  return (
    <li>
      {relationship && <span className="viewer-report-relationship">{relationship} </span>}
      {node.name && <span className="viewer-report-name">{node.name}: </span>}
      <span className="viewer-report-value">{node.value ?? '—'}</span>
      <ReportChildren nodes={node.children} level={level} />
    </li>
  );
}

function formatContentDate(value: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?: (\d{2})(\d{2}))?/.exec(value);
  if (!m) return value;
  return `${m[1]}-${m[2]}-${m[3]}${m[4] ? ` ${m[4]}:${m[5]}` : ''}`;
}
