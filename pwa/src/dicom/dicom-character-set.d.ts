// dicom-character-set 1.0.5 ships JavaScript only; these are the parts Kura uses
// (node_modules/dicom-character-set/src/index.js).
declare module 'dicom-character-set' {
  export interface ConvertBytesOptions {
    /**
     * The value representation of the text. It decides which bytes reset the
     * active character set (PS3.5 §6.1.2.5.3): for PN also '^' and '='; for
     * LT, ST and UT the backslash is text, not a value delimiter.
     */
    vr?: string;
  }

  /**
   * Decodes the bytes of one element value. `specificCharacterSet` is the raw
   * (0008,0005) value, its values joined by '\\'; undefined means the default
   * repertoire. Throws on a defined term it does not know.
   */
  export function convertBytes(
    specificCharacterSet: string | undefined,
    bytes: Uint8Array,
    options?: ConvertBytesOptions,
  ): string;

  /** The defined terms of (0008,0005) it knows, keyed as the standard spells them. */
  export const characterSets: Readonly<Record<string, unknown>>;
}
