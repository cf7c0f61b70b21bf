// dicom-parser 1.8.21 ships index.d.ts, but it declares DataSet as an interface
// only, while the library also exports the class (dist/dicomParser.js, "./index.js"
// exports). Kura parses the meta header and the data set itself, so it needs
// the constructor. This ambient declaration merges into the shipped one.
declare module 'dicom-parser' {
  export const DataSet: {
    new (byteArrayParser: ByteArrayParser, byteArray: ByteArray, elements: { [tag: string]: Element }): DataSet;
  };
}
