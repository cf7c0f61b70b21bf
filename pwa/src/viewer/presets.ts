// Window presets in Hounsfield units (CT), as radiologists name them. Width
// and level are the DICOM Window Width / Window Center (C.11.2.1.2).

export interface VoiWindow {
  /** Window width, in modality units. */
  width: number;
  /** Window center (level), in modality units. */
  center: number;
}

export interface VoiPreset extends VoiWindow {
  id: string;
  /** The button's accessible name and label. */
  name: string;
}

export const CT_PRESETS: readonly VoiPreset[] = [
  { id: 'brain', name: 'Brain', width: 80, center: 40 },
  { id: 'subdural', name: 'Subdural', width: 200, center: 75 },
  { id: 'stroke', name: 'Stroke', width: 40, center: 40 },
  { id: 'lung', name: 'Lung', width: 1500, center: -600 },
  { id: 'mediastinum', name: 'Mediastinum', width: 350, center: 50 },
  { id: 'abdomen', name: 'Abdomen', width: 400, center: 50 },
  { id: 'liver', name: 'Liver', width: 150, center: 30 },
  { id: 'bone', name: 'Bone', width: 1800, center: 400 },
];
