/**
 * Reads the JSON part of a glTF 2.0 model without trusting it: a `.glb` container's header and
 * chunk lengths are checked against the file size before anything is sliced, and a `.gltf` file
 * must be a JSON object. Pure (bytes in, result out); used by the library index (assets/library/).
 */

/** The parts of a model file the index needs: its JSON and, for a GLB, the length of its BIN chunk. */
export interface GltfContainer {
  json: GltfJson;
  /** Byte length of the GLB's BIN chunk; null for `.gltf` files and GLBs without one. */
  binChunkBytes: number | null;
  /** The GLB's BIN chunk (a view of the file's bytes); null when `binChunkBytes` is. */
  binChunk: Uint8Array | null;
}

/** The subset of the glTF 2.0 JSON the index reads (everything else is left to three's GLTFLoader). */
export interface GltfJson {
  asset?: { version?: unknown };
  scene?: unknown;
  scenes?: { nodes?: unknown }[];
  nodes?: GltfNode[];
  meshes?: { primitives?: { attributes?: Record<string, unknown> }[] }[];
  accessors?: GltfAccessor[];
  buffers?: { uri?: unknown; byteLength?: unknown; extensions?: unknown }[];
  images?: { uri?: unknown; bufferView?: unknown }[];
  extensionsUsed?: unknown;
  extensionsRequired?: unknown;
}

export interface GltfNode {
  children?: unknown;
  mesh?: unknown;
  matrix?: unknown;
  translation?: unknown;
  rotation?: unknown;
  scale?: unknown;
}

export interface GltfAccessor {
  min?: unknown;
  max?: unknown;
  componentType?: unknown;
  normalized?: unknown;
}

/** Why a model file cannot be read; `reason` is one of the index's skip reasons. */
export class ModelFileError extends Error {
  constructor(
    readonly reason: 'corrupt' | 'missing-file' | 'outside-root' | 'too-large' | 'unsupported-extension' | 'no-geometry' | 'bad-geometry',
    message: string,
  ) {
    super(message);
    this.name = 'ModelFileError';
  }
}

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a; // "JSON"
const CHUNK_BIN = 0x004e4942; // "BIN\0"
const GLB_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;

/**
 * Parses a model file's container. `kind` is 'glb' or 'gltf' (from the file extension).
 * @throws ModelFileError ('corrupt') naming what is wrong: bad magic, version, a length that
 *   disagrees with the file size, a chunk running past the end, JSON that does not parse, or a
 *   glTF asset version other than 2.x.
 */
export function readGltfContainer(bytes: Uint8Array, kind: 'glb' | 'gltf'): GltfContainer {
  let text: string;
  let binChunkBytes: number | null = null;
  let binChunk: Uint8Array | null = null;
  if (kind === 'glb') {
    if (bytes.length < GLB_HEADER_BYTES + CHUNK_HEADER_BYTES) throw corrupt(`GLB is ${bytes.length} bytes, shorter than its 20-byte header`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== GLB_MAGIC) throw corrupt('GLB magic is not "glTF"');
    const version = view.getUint32(4, true);
    if (version !== 2) throw corrupt(`GLB container version is ${version}, not 2`);
    const length = view.getUint32(8, true);
    if (length !== bytes.length) throw corrupt(`GLB header says ${length} bytes but the file has ${bytes.length} (truncated or padded)`);
    const jsonLength = view.getUint32(12, true);
    if (view.getUint32(16, true) !== CHUNK_JSON) throw corrupt('first GLB chunk is not JSON');
    const jsonEnd = GLB_HEADER_BYTES + CHUNK_HEADER_BYTES + jsonLength;
    if (jsonEnd > bytes.length) throw corrupt(`GLB JSON chunk (${jsonLength} bytes) runs past the end of the file`);
    text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(GLB_HEADER_BYTES + CHUNK_HEADER_BYTES, jsonEnd));
    let offset = jsonEnd;
    while (offset < bytes.length) {
      if (offset + CHUNK_HEADER_BYTES > bytes.length) throw corrupt('GLB chunk header runs past the end of the file');
      const chunkLength = view.getUint32(offset, true);
      const chunkType = view.getUint32(offset + 4, true);
      const end = offset + CHUNK_HEADER_BYTES + chunkLength;
      if (end > bytes.length) throw corrupt(`GLB chunk at byte ${offset} (${chunkLength} bytes) runs past the end of the file`);
      if (chunkType === CHUNK_BIN && binChunkBytes === null) {
        binChunkBytes = chunkLength;
        binChunk = bytes.subarray(offset + CHUNK_HEADER_BYTES, end);
      }
      offset = end;
    }
  } else {
    text = new TextDecoder('utf-8').decode(bytes);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, '').replace(/[\s\0]+$/, ''));
  } catch (error) {
    throw corrupt(`glTF JSON does not parse (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw corrupt('glTF JSON is not an object');
  const version = (json as GltfJson).asset?.version;
  if (typeof version !== 'string' || !/^2\.\d+$/.test(version)) throw corrupt(`glTF asset.version is ${JSON.stringify(version)}, not 2.x`);
  return { json: json as GltfJson, binChunkBytes, binChunk };
}

function corrupt(message: string): ModelFileError {
  return new ModelFileError('corrupt', message);
}
