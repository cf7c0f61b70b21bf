/** A person's name as DICOM PN keeps it: three component groups (PS3.5 §6.2.1.1). */
export interface PersonName {
  alphabetic: string;
  ideographic: string;
  phonetic: string;
}

/**
 * What the vault decrypts into memory for each study (or document set) at
 * unlock: everything search and the study list show, nothing more.
 */
export interface StudyEntry {
  studyId: string;
  /** Groups studies by patient; opaque. */
  patientKey: string;
  patientNumber: string;
  patientName: PersonName;
  /** 'M', 'F', 'O' or ''. */
  patientSex: string;
  /** YYYYMMDD or ''. */
  patientBirthDate: string;
  /** YYYYMMDD or '' (unknown dates sort last). */
  studyDate: string;
  modalities: string[];
  bodyPart: string;
  /** Study description and method ("menu"). */
  description: string;
  /** Institution that made the study. */
  facility: string;
  accessionNumber: string;
  /** Management numbers of the study's charts, reports and scans. */
  documentNumbers: string[];
  reportText: string;
}
