/**
 * The question families a library sample may be asked (docs/assets.md). A library model has no
 * named coloured parts, so the families that name parts (perspective, relative-depth) are left
 * out; these ask about the camera or object motion only, and their reasoning speaks of "the whole
 * object" (the stand-in part, see LibraryObjectSpec.parts).
 */
export const LIBRARY_FAMILIES: readonly string[] = ['orbit', 'orbit-direction', 'elevation', 'distance', 'ego-turn', 'object-rotation'];
