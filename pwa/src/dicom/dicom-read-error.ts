/**
 * Why a file could not be read:
 * - `not-dicom`: no DICOM Part 10 header and the bytes do not parse as a bare data set either;
 * - `not-dicomdir`: a DICOM file, but not a Media Storage Directory (PS3.10 §8.6);
 * - `truncated`: an element, item or the deflated stream runs past the end of the file;
 * - `malformed`: the encoding is broken in some other way;
 * - `unsupported`: valid DICOM this reader cannot handle here (an unknown private
 *   transfer syntax, or a deflated file without DecompressionStream).
 */
export type DicomReadErrorReason = 'not-dicom' | 'not-dicomdir' | 'truncated' | 'malformed' | 'unsupported';

const REASON_TEXT: Record<DicomReadErrorReason, string> = {
  'not-dicom': 'not a DICOM file',
  'not-dicomdir': 'not a DICOMDIR',
  truncated: 'truncated',
  malformed: 'malformed',
  unsupported: 'unsupported',
};

/**
 * The one error the DICOM readers throw for a file they cannot read. The message
 * names the file first, so an import log can show it as is:
 * `IM000007: truncated: Pixel Data (7FE0,0010) declares 8192 bytes at offset 1438, but the file ends after 9630`.
 */
export class DicomReadError extends Error {
  override readonly name = 'DicomReadError';
  readonly fileName: string;
  readonly reason: DicomReadErrorReason;
  /** The reason without the file name, e.g. `truncated: …`. */
  readonly detail: string;

  constructor(fileName: string, reason: DicomReadErrorReason, detail?: string, options?: { cause?: unknown }) {
    const text = detail ? `${REASON_TEXT[reason]}: ${detail}` : REASON_TEXT[reason];
    super(`${fileName}: ${text}`, options);
    this.fileName = fileName;
    this.reason = reason;
    this.detail = text;
  }
}
