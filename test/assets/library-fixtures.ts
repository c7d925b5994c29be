/** Builds throw-away asset libraries for the asset tests: the generated fixture models plus broken and hostile files. */
import { copyFile, cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FIXTURES } from '../fixtures/fixture-files.js';

/** The generated glTF fixtures (Box.glb, BoxTextured/, BoxVertexColors.glb, Helmet.glb); see `test/fixtures/`. */
export { FIXTURES };

/**
 * A fresh folder `<tmp>/lib` holding the fixtures plus: a truncated GLB, a JSON-only `.gltf` whose
 * buffer file is missing, a symlink to a model outside the folder, a 3 MiB padded GLB that is
 * over a 2 MiB limit (the helmet is 3.3 MiB too), a GLB that passes the index but fails in
 * the page (`broken/bad-accessor.glb`), and one that passes both but renders nothing
 * (`broken/empty.glb`). Returns the folder.
 */
export async function makeHostileLibrary(): Promise<{ dir: string; outside: string }> {
  const base = await mkdtemp(join(tmpdir(), 'vf-assets-'));
  const dir = join(base, 'lib');
  await cp(FIXTURES, dir, { recursive: true });
  const box = await readFile(join(FIXTURES, 'Box.glb'));
  await mkdir(join(dir, 'broken'));
  await writeFile(join(dir, 'broken', 'truncated.glb'), box.subarray(0, Math.floor(box.length / 2)));
  const textured = JSON.parse(await readFile(join(FIXTURES, 'BoxTextured', 'BoxTextured.gltf'), 'utf8')) as { buffers: { uri: string }[] };
  textured.buffers[0].uri = 'no-such-buffer.bin';
  await writeFile(join(dir, 'broken', 'missing-buffer.gltf'), JSON.stringify(textured));
  const outside = join(base, 'outside');
  await mkdir(outside);
  await copyFile(join(FIXTURES, 'BoxVertexColors.glb'), join(outside, 'secret.glb'));
  await symlink(join(outside, 'secret.glb'), join(dir, 'broken', 'escape.glb'));
  // Passes the index (header, chunks, JSON, sizes all agree) but the page cannot build it: its
  // index accessor points past the end of its buffer view, which GLTFLoader refuses.
  await writeFile(join(dir, 'broken', 'bad-accessor.glb'), withJson(box, (json) => {
    const indices = (json.accessors as { count: number; type: string }[]).find((acc) => acc.type === 'SCALAR')!;
    indices.count = 1_000_000; // the 36 indices' 72-byte view cannot hold a million
  }));
  // Well-formed, finite, a unit cube's bounds, but every triangle has zero area: it renders nothing (blank views).
  await writeFile(join(dir, 'broken', 'empty.glb'), await makeBoxGlb({ faces: Array.from({ length: 36 }, () => 0) }));
  // A valid GLB padded to 3 MiB: the header's length and a trailing unknown chunk cover the padding.
  await writeFile(join(dir, 'broken', 'huge.glb'), padGlb(box, 3 * 1048576));
  return { dir, outside };
}

/** `glb` with its JSON chunk replaced by `edit(json)`, re-packed (JSON padded with spaces, BIN chunk kept). */
function withJson(glb: Buffer, edit: (json: Record<string, unknown>) => void): Buffer {
  const jsonLength = glb.readUInt32LE(12);
  const json = JSON.parse(glb.subarray(20, 20 + jsonLength).toString('utf8')) as Record<string, unknown>;
  edit(json);
  let text = Buffer.from(JSON.stringify(json), 'utf8');
  text = Buffer.concat([text, Buffer.alloc((4 - (text.length % 4)) % 4, 0x20)]);
  const rest = glb.subarray(20 + jsonLength);
  const header = Buffer.alloc(20);
  header.writeUInt32LE(0x46546c67, 0);
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(20 + text.length + rest.length, 8);
  header.writeUInt32LE(text.length, 12);
  header.writeUInt32LE(0x4e4f534a, 16);
  return Buffer.concat([header, text, rest]);
}

/** `glb` with an extra (ignored) chunk appended so the file is `bytes` long. */
function padGlb(glb: Buffer, bytes: number): Buffer {
  const extra = bytes - glb.length - 8;
  const chunk = Buffer.alloc(8 + extra);
  chunk.writeUInt32LE(extra, 0);
  chunk.writeUInt32LE(0x58585858, 4); // unknown chunk type: loaders skip it
  const out = Buffer.concat([glb, chunk]);
  out.writeUInt32LE(out.length, 8);
  return out;
}

/**
 * Writes `<dir>/name` as a meshopt-compressed copy (EXT_meshopt_compression, required, with
 * KHR_mesh_quantization) of the GLB `source`, using glTF-Transform and meshoptimizer's encoder.
 */
export async function writeMeshoptCopy(source: string, target: string): Promise<void> {
  const { NodeIO } = await import('@gltf-transform/core');
  const { ALL_EXTENSIONS } = await import('@gltf-transform/extensions');
  const { meshopt } = await import('@gltf-transform/functions');
  const { MeshoptEncoder, MeshoptDecoder } = await import('meshoptimizer');
  await MeshoptEncoder.ready;
  await MeshoptDecoder.ready;
  const io = new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({ 'meshopt.encoder': MeshoptEncoder, 'meshopt.decoder': MeshoptDecoder });
  const document = await io.read(source);
  await document.transform(meshopt({ encoder: MeshoptEncoder, level: 'medium' }));
  await io.write(target, document);
}

/** Writes a Draco-compressed copy (KHR_draco_mesh_compression, required) of the GLB `source`, using glTF-Transform and draco3dgltf's encoder. */
export async function writeDracoCopy(source: string, target: string): Promise<void> {
  const { NodeIO } = await import('@gltf-transform/core');
  const { ALL_EXTENSIONS } = await import('@gltf-transform/extensions');
  const { draco } = await import('@gltf-transform/functions');
  const draco3d = (await import('draco3dgltf')).default;
  const io = new NodeIO()
    .registerExtensions(ALL_EXTENSIONS)
    .registerDependencies({ 'draco3d.encoder': await draco3d.createEncoderModule(), 'draco3d.decoder': await draco3d.createDecoderModule() });
  const document = await io.read(source);
  await document.transform(draco());
  await io.write(target, document);
}

/**
 * A GLB of one triangle-list box made by glTF-Transform from `positions` (8 corners × xyz, the
 * unit cube when omitted), optionally with its POSITION accessor's declared min/max replaced by
 * `declared` (a broken exporter's finite bounds over bad data).
 */
export async function makeBoxGlb(options: { positions?: number[]; declared?: { min: number[]; max: number[] }; faces?: number[] } = {}): Promise<Buffer> {
  const { Document, NodeIO } = await import('@gltf-transform/core');
  const doc = new Document();
  const buffer = doc.createBuffer();
  const corners = options.positions ?? [-0.5, -0.5, -0.5, 0.5, -0.5, -0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, -0.5, -0.5, 0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
  const faces = options.faces ?? [0, 2, 1, 1, 2, 3, 4, 5, 6, 5, 7, 6, 0, 1, 4, 1, 5, 4, 2, 6, 3, 3, 6, 7, 0, 4, 2, 2, 4, 6, 1, 3, 5, 3, 7, 5];
  const position = doc.createAccessor().setType('VEC3').setArray(new Float32Array(corners)).setBuffer(buffer);
  const indices = doc.createAccessor().setType('SCALAR').setArray(new Uint16Array(faces)).setBuffer(buffer);
  const prim = doc.createPrimitive().setAttribute('POSITION', position).setIndices(indices);
  const mesh = doc.createMesh('box').addPrimitive(prim);
  doc.createScene().addChild(doc.createNode('box').setMesh(mesh));
  const glb = Buffer.from(await new NodeIO().writeBinary(doc));
  const declared = options.declared;
  if (declared === undefined) return glb;
  return withJson(glb, (json) => {
    const accessor = (json.accessors as { min?: number[]; max?: number[]; type: string }[]).find((a) => a.type === 'VEC3')!;
    accessor.min = declared.min;
    accessor.max = declared.max;
  });
}
