/**
 * Plain-data types shared by every stage of the pipeline.
 *
 * Conventions (README, Conventions):
 * - World: right-handed, +Y up, metres. The object is centred at the origin.
 * - Extrinsics are OpenCV/COLMAP: camera x right, y down, z forward;
 *   `x_cam = R · X_world + t`, centre `C = −Rᵀ t`.
 * - `c2w_gl` is camera-to-world with OpenGL camera axes (x right, y up, z backward).
 * - Matrices in these types are row-major nested arrays (`m[row][col]`), never gl-matrix's
 *   column-major flat arrays; the geometry code converts at its edges.
 * - Pixels: (0,0) is the top-left corner of the top-left pixel; pixel (i, j) has its centre at
 *   (i + 0.5, j + 0.5). So `cx = width / 2`, `cy = height / 2` for a centred principal point.
 * - Every angle is in degrees.
 */

export type Vec3 = [number, number, number];
/** Row-major 3×3 matrix: `m[row][col]`. */
export type Mat3 = [Vec3, Vec3, Vec3];
/** Row-major 4×4 matrix: `m[row][col]`. */
export type Mat4 = [
  [number, number, number, number],
  [number, number, number, number],
  [number, number, number, number],
  [number, number, number, number],
];

/** Where a camera sits on its orbit around the object centre (the world origin). */
export interface OrbitParams {
  /** Angle around world +Y, degrees. 0 puts the camera on +Z; positive moves it towards +X. */
  azimuthDeg: number;
  /** Angle above the XZ plane, degrees, in (−90, 90). */
  elevationDeg: number;
  /** Distance from the camera centre to the origin, metres. */
  radiusM: number;
  /** Rotation of the camera about its own viewing axis, degrees; positive = clockwise as seen from behind the camera. */
  rollDeg: number;
  /**
   * Pan (turn in place), degrees: rotation of the camera about its own down axis (OpenCV +y of
   * the look-at frame, through the camera centre), applied after the look-at and before roll;
   * positive = turned right (the forward axis swings towards the camera's right). The camera
   * centre does not move, and the relative pose from pan p to pan p + θ has `yawDeg = θ`
   * (pitch 0, roll 0 when both rolls are 0). At elevation 0 the down axis is world −Y, so a pan
   * is a turn about the world vertical; at elevation e the horizon tilts by asin(sin p · sin e).
   * 0 for an orbit camera that looks at the object centre.
   */
  panDeg: number;
}

/** Pinhole intrinsics in pixels. */
export interface Intrinsics {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  width: number;
  height: number;
  /** Vertical field of view, degrees. */
  fovYDeg: number;
}

/** A fully resolved camera: intrinsics, OpenCV extrinsics and the OpenGL camera-to-world matrix. */
export interface CameraPose {
  K: Intrinsics;
  /** World-to-camera rotation, OpenCV axes. */
  R: Mat3;
  /** World-to-camera translation, OpenCV axes: `x_cam = R X + t`. */
  t: Vec3;
  /** Camera centre in world coordinates, `−Rᵀ t`. */
  centre: Vec3;
  /** Camera-to-world, OpenGL camera axes (x right, y up, z backward). */
  c2wGl: Mat4;
  orbit: OrbitParams;
}

/** Relative pose from view A to view B (README, Conventions). */
export interface RelativePose {
  /** `R_AB = R_B · R_Aᵀ`: maps camera-A coordinates to camera-B coordinates. */
  R_AB: Mat3;
  /** `t_AB = t_B − R_AB · t_A`. */
  t_AB: Vec3;
  /** Rotation angle of R_AB, degrees, in [0, 180]. */
  angleDeg: number;
  /** Unit rotation axis of R_AB (camera-A axes); [0, 1, 0] by convention when the angle is 0. */
  axis: Vec3;
  /** Unit quaternion of R_AB as [x, y, z, w], w ≥ 0. */
  quaternion: [number, number, number, number];
  /**
   * Orientation of camera B expressed in camera A's frame (`R_ABᵀ`), decomposed as
   * `Ry(yaw) · Rx(pitch) · Rz(roll)` about OpenCV camera axes: yaw > 0 = turned right,
   * pitch > 0 = tilted up, roll > 0 = rotated clockwise about the viewing axis.
   */
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
  /** `|C_B − C_A|`, metres. */
  baselineM: number;
  /** Camera motion in camera A's frame (OpenCV axes): `R_A · (C_B − C_A)`. x > 0 = moved right. */
  motionInA: Vec3;
}

/** Shape of one procedural part, in the object's local frame (metres, degrees). */
export type PartShape = 'box' | 'cylinder' | 'sphere' | 'cone' | 'torus';

/** One named, coloured part of a procedural object. */
export interface PartSpec {
  /** Unique within the object, e.g. "handle". Used in questions and reasoning. */
  name: string;
  /** Human colour word, unique within the object, e.g. "red". */
  colorName: string;
  /** sRGB hex, e.g. "#d62728". */
  colorHex: string;
  shape: PartShape;
  /**
   * Shape dimensions, metres: box [w, h, d]; cylinder [radiusTop, radiusBottom, height];
   * sphere [radius]; cone [radius, height]; torus [radius, tube].
   */
  size: number[];
  /** Part centre in the object frame. */
  position: Vec3;
  /** XYZ Euler rotation of the part, degrees. */
  rotationDeg: Vec3;
  /** 'standard' = lit PBR material (default look); 'basic' = unlit flat colour (markers, masks). */
  material: 'standard' | 'basic';
  /** A seeded surface finish (`--materials varied`; assets/procedural/part-finish.ts); absent = the plain look. */
  finish?: PartFinish;
}

/** A part's surface finish: roughness, metalness and a pattern that only darkens its own colour. */
export interface PartFinish {
  roughness: number;
  metalness: number;
  pattern: 'none' | 'stripes' | 'checks' | 'noise' | 'bands';
  /** Pattern repeats across the part's texture space. */
  scale: number;
  /** How much darker the pattern's dark side is, 0..1 (brightness factor 1 − contrast). */
  contrast: number;
  /** Turn of the pattern in texture space, degrees. */
  angleDeg: number;
}

/** The object of a sample: generated from named coloured parts, or a model file from an asset library (`--assets`). */
export type ObjectSpec = ProceduralObjectSpec | LibraryObjectSpec;

/** A procedural object: parts already centred and scaled to fit the unit sphere. */
export interface ProceduralObjectSpec {
  kind: 'procedural';
  /** Generator name, e.g. "gadget" or "cube-chain". */
  generator: string;
  /** Instance name, e.g. "gadget-3f9a". */
  name: string;
  parts: PartSpec[];
  /** Symmetry class about the up axis; procedural objects are built asymmetric: 'none'. */
  symmetry: 'none' | 'c2' | 'c4' | 'continuous';
  /**
   * Present when this "object" is a scene of several named objects (generator "scene",
   * pipeline/plan/plan-scene.ts): their parts, in object order, are `parts`, already placed in
   * the world (the world origin is the scene's centre on the ground).
   */
  scene?: SceneSpec;
}

/** A scene of several named objects on the ground plane y = 0 (README, "Scenes"). */
export interface SceneSpec {
  objects: SceneObjectSpec[];
}

/** One object of a scene. */
export interface SceneObjectSpec {
  /** "o0", "o1", … in scene order. */
  id: string;
  /** Its unique referring expression without the article: "red mug", or "chair" when it is the only chair. */
  name: string;
  /** "mug", "chair", … (assets/procedural/scene-objects.ts). */
  category: string;
  /** Its colour word, or null for an object without one colour. */
  color: string | null;
  /** Centre of its axis-aligned box in the world, metres (on the ground: y = half height). */
  position: Vec3;
  /** Yaw about world +Y, degrees (its +Z front turned by this much, counter-clockwise from above). */
  yawDeg: number;
  /** Half-extents of its box in its own frame, metres. */
  halfExtents: Vec3;
  /** Its parts in the scene's `parts`: indices [first, end). */
  parts: [number, number];
  /**
   * Where its box centre stands at view B when it moved between the views (`object-move`), metres;
   * absent when it did not. Its parts at view B: assets/procedural/scene-at-view.ts.
   */
  positionB?: Vec3;
  /** Its yaw at view B when it moved, degrees; absent when it did not. */
  yawDegB?: number;
  /**
   * A library model (`--assets` with `--scene multi`): its one part is the stand-in box the
   * geometry ray-casts (as a single library object's); the page draws the model there instead,
   * scaled by `scale` from its normalised frame. Absent for a procedural object.
   */
  model?: { asset: LibraryObjectSpec; scale: number };
}

/**
 * A model file of an asset library (`--assets`, assets/library/, docs/assets.md). It has no named
 * coloured parts: the page loads `url` with three's GLTFLoader and applies `normalisation`, which
 * centres the model's bounding box at the origin and scales it into the unit sphere.
 */
/**
 * The library the planner draws from: its models in index order, read one at a time (a plain
 * array serves; a run reads them from disk through assets/library/asset-list.ts).
 */
export interface LibraryObjects {
  readonly length: number;
  at(index: number): LibraryObjectSpec | undefined;
}

export interface LibraryObjectSpec {
  kind: 'library';
  /** Asset name (manifest `name`, else the file path relative to the library root). */
  name: string;
  /** Manifest `category`, else null. */
  category: string | null;
  /** The licence the manifest (or Objaverse metadata) gives, else null. */
  licence: string | null;
  /** Path of the model file relative to the library root, `/`-separated. */
  path: string;
  /** sha256 of the model file and every file it references, in reference order (see assets/library/). */
  contentHash: string;
  /** Where the page loads it: `/assets/<library index>/<path>` on the page server. */
  url: string;
  /** Original (glTF scene) coordinates → normalised object frame: `X_norm = scale · (U · X − centre)`, U the up-axis rotation. */
  normalisation: AssetNormalisation;
  /** Half-extents of the normalised bounding box (centred at the origin; its half-diagonal is ≤ 1). */
  halfExtents: Vec3;
  /** Symmetry class about the up axis (from the symmetry estimator, else 'none'). */
  symmetry: 'none' | 'c2' | 'c4' | 'continuous';
  /**
   * Exactly one stand-in part: the normalised bounding box, named "object" with the colour word
   * "whole", so the geometry judges framing on the box corners and the reasoning can only say
   * "the whole object" (a library model has no named coloured parts). The page never draws it.
   */
  parts: [PartSpec];
}

/** The original-to-normalised transform of a library asset. */
export interface AssetNormalisation {
  /** Up axis of the file: 'y' (glTF's own convention) or 'z' (rotated −90° about +X so +Z becomes +Y). */
  upAxis: 'y' | 'z';
  /** Centre of the scene's bounding box in file units, after the up-axis rotation. */
  centre: Vec3;
  /** Uniform scale from file units to the normalised frame. */
  scale: number;
  /** Manifest `scale`: metres per file unit (recorded, never used for rendering), else null. */
  metresPerUnit: number | null;
  /** The whole transform as a row-major 4×4 matrix: `X_norm = M · [X; 1]`. */
  matrix: Mat4;
}

/** Look of the scene: seeded, renderer-independent. */
export interface LightingSpec {
  /** Background colour, sRGB hex. */
  background: string;
  /** Ambient/hemisphere intensity. */
  ambientIntensity: number;
  /** Directional key light direction from the origin towards the light (azimuth/elevation, degrees). */
  keyAzimuthDeg: number;
  keyElevationDeg: number;
  keyIntensity: number;
  /** Vertical background gradient: the colour at the bottom edge (`background` is the top edge), sRGB hex; absent or null = solid `background`. */
  backgroundBottom?: string | null;
  /** Image-based lighting from an HDR environment map of `--env`; absent or null = none. */
  environment?: EnvironmentSpec | null;
  /** Shadow-catching ground plane under the object; absent or null = none. */
  ground?: GroundSpec | null;
  /** 'varied' when the procedural parts carry seeded finishes (`--materials varied`); absent = 'plain'. */
  materials?: 'varied';
  /** Procedural daylight sky and ground as the background (`--background sky`); absent or null = none. The sun is the key light. */
  sky?: SkySpec | null;
}

/**
 * A procedural sky (three's `Sky` shader, the Preetham daylight model with clouds) over a plain
 * ground, drawn by the page as the background; its sun stands in the key light's direction.
 */
export interface SkySpec {
  /** Haze of the air (Preetham's turbidity): 2 clear … 8 hazy. */
  turbidity: number;
  /** Strength of Rayleigh scattering (how blue the sky is). */
  rayleigh: number;
  /** Mie scattering coefficient and its forward bias (the glow around the sun). */
  mieCoefficient: number;
  mieDirectionalG: number;
  /** Cloud cover, 0 (clear) … 1. */
  cloudCoverage: number;
  /** Where in the cloud noise field this sky lies (the shader's time). */
  cloudSeed: number;
  /** Scale of the sky's radiance before it is mapped into 0..1. */
  exposure: number;
  /** Colour of the ground below the horizon, sRGB hex. */
  ground: string;
}

/**
 * The `file` of the neutral environment the page generates itself (three's RoomEnvironment through
 * PMREMGenerator; no file): the image-based light of library models when no `--env` map lights them.
 */
export const ROOM_ENVIRONMENT = 'room';

/** An HDR environment map lighting the object (docs/look.md). */
export interface EnvironmentSpec {
  /** File name of the `.hdr` inside the `--env` folder, or {@link ROOM_ENVIRONMENT}. */
  file: string;
  /** Turn of the map about world +Y, degrees. */
  rotationDeg: number;
  /** Multiplier of the map's light. */
  intensity: number;
  /** Show the map as the background too (else the solid or gradient background stays). */
  asBackground: boolean;
}

/**
 * An invisible plane that only shows the object's shadow from the key light. It lies at the
 * object's lowest point (y in world metres) and is used only when both cameras are above it, so
 * it never hides a part; it is no part: the geometry's checks and the renderer's ID pass ignore it.
 */
export interface GroundSpec {
  /** Height of the plane, world metres (≤ the object's lowest point). */
  y: number;
  /** Darkness of the shadow, 0..1. */
  shadowOpacity: number;
}

/** One view to render: OpenGL camera-to-world plus projection. */
export interface ViewSpec {
  c2wGl: Mat4;
  fovYDeg: number;
  near: number;
  far: number;
}

/** Everything the renderer needs for one sample's two images. Plain JSON. */
export interface RenderJob {
  /** Sample id; file names derive from it. */
  id: string;
  width: number;
  height: number;
  object: ObjectSpec;
  /** Object yaw about world +Y for each view, degrees (equal unless the object itself turned). */
  objectYawDeg: [number, number];
  lighting: LightingSpec;
  views: [ViewSpec, ViewSpec];
}

/** Raw pixels of one rendered view: RGBA8, rows top to bottom. */
export interface RawImage {
  width: number;
  height: number;
  /**
   * RGBA, width*height*4 bytes, first row = top of the image. Absent when the renderer encoded
   * the image itself ({@link RawImage.encoded}); exactly one of the two is present.
   */
  rgba?: Uint8Array;
  /**
   * The image already encoded, in the format the render asked for ({@link RenderOptions}`.encode`;
   * the Chromium renderer encodes in the page, so only compressed bytes cross the WebSocket).
   */
  encoded?: Uint8Array;
  /** What the renderer's ID pass measured in this view, when the renderer ran one. Never changes `rgba`. */
  idPass?: IdPass;
  /** Mask pass (`--passes mask`): width*height label bytes, rows top-down; 1 + part index, 0 = background. */
  mask?: Uint8Array;
  /** Depth pass (`--passes depth`): width*height z-depths in millimetres along the camera's +z (OpenCV), rows top-down; 0 = background. */
  depth?: Uint16Array;
}

/**
 * The renderer's ID pass of one view: the view drawn again, small, with every part in a flat
 * unique colour and no lighting (MSAA off), read back and counted per part. It tells from the
 * pixels' side which parts can be seen, independently of the geometry's ray cast.
 */
export interface IdPass {
  /** Size of the ID image, pixels (its longer side is the renderer's ID-pass size, 128 by default; same aspect as the view). */
  width: number;
  height: number;
  /** One entry per part, in {@link ObjectSpec.parts} order. */
  parts: PartPixels[];
}

/** One part's pixels in an {@link IdPass}. */
export interface PartPixels {
  /** {@link PartSpec.name}. */
  name: string;
  /** ID-image pixels showing the part (0: hidden by other parts or out of frame). */
  pixels: number;
  /**
   * Centroid of those pixels in the full-size image's pixel coordinates (top-left corner origin,
   * as {@link PartView.centrePx}); null when `pixels` is 0.
   */
  centroidPx: [number, number] | null;
  /** ID-image pixels of the part whose four neighbours show the part too (its solid inside, rims and slivers dropped). */
  interiorPixels: number;
  /**
   * Mean sRGB colour (0..255 per channel) of the colour image under those interior pixels: the
   * colour the part shows in this render; null when `interiorPixels` is 0.
   */
  meanColour: [number, number, number] | null;
}

/** What the geometry says about one named part in one view. */
export interface PartView {
  name: string;
  /** Projected part centre in pixels (may lie outside the image). */
  centrePx: [number, number];
  /** Depth of the part centre along the camera's z (OpenCV), metres. */
  depthM: number;
  /** Share of the part's sample points that are in frame and not hidden by another part, 0..1. */
  visibleFraction: number;
  /**
   * Whether the part can be seen in the image: the ray cast's `visibleFraction ≥` its threshold,
   * until the run loop grounds the truth in the renderer's ID pass (pipeline/run/check-visibility.ts);
   * from then on, whether the ID pass shows a solid patch of it.
   */
  visible: boolean;
  /** ID-pass pixels of the part in this view, once the truth is grounded in pixels; absent before. */
  idPixels?: number;
  /** Horizontal third of the image holding the centre. */
  horizontal: 'left' | 'centre' | 'right';
  /** Vertical third of the image holding the centre. */
  vertical: 'top' | 'middle' | 'bottom';
}

/** Per-view facts the questions and reasoning may use. */
export interface ViewFacts {
  camera: CameraPose;
  parts: PartView[];
  /** True when every sample point of the object projects inside the image (with margin). */
  inFrame: boolean;
  /** Share of the image covered by the projected object's bounding box, 0..1. */
  coverage: number;
}

/** Ground truth for one sample, computed from the plan only (never from pixels). */
export interface GroundTruth {
  views: [ViewFacts, ViewFacts];
  relative: RelativePose;
  /** Signed azimuth change B − A wrapped to (−180, 180]; positive = camera moved right. */
  deltaAzimuthDeg: number;
  deltaElevationDeg: number;
  /** radius_B / radius_A. */
  radiusRatio: number;
  /** Object yaw change B − A wrapped to (−180, 180] (0 for the viewpoint families). */
  deltaObjectYawDeg: number;
  object: ObjectSpec;
}
