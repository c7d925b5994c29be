/** Builds throw-away asset libraries for the asset tests: the shared fixtures plus broken and hostile files. */
import { copyFile, cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared glTF fixtures (Box.glb, BoxTextured/, BoxVertexColors.glb, DamagedHelmet.glb). */
export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/gltf/', import.meta.url));

/**
 * A fresh folder `<tmp>/lib` holding the fixtures plus: a truncated GLB, a JSON-only `.gltf` whose
 * buffer file is missing, a symlink to a model outside the folder, a 3 MiB padded GLB that is
 * over a 2 MiB limit (the helmet is 3.6 MiB too), and a GLB that passes the index but fails in
 * the page (`broken/bad-accessor.glb`). Returns the folder.
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
    (json.accessors as { count: number }[])[0].count = 1_000_000; // the 36 indices' 72-byte view cannot hold a million
  }));
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
