/**
 * The image and the manifests that name it agree (docs/container.md): the tag the build script
 * gives is the one the Kubernetes manifests pull; the manifests' command is the image's entry
 * point (node as PID 1, no npx or npm); their working directory, user, Chromium path and mounted
 * folders are the image's; everything the product imports is copied in and nothing it needs is
 * ignored. Building and running the image needs podman or docker with a daemon, which this
 * machine's CI does not have: deploy/build-image.sh --smoke does that where one exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const containerfile = read('Containerfile');
const manifests = ['deploy/k8s/render-job.yaml', 'deploy/k8s/nightly-cronjob.yaml'].map((path) => ({ path, text: read(path) }));
const version = (JSON.parse(read('package.json')) as { version: string }).version;

/** The value of a Dockerfile instruction (the last one), e.g. `WORKDIR`. */
const instruction = (name: string) => [...containerfile.matchAll(new RegExp(`^${name}\\s+(.+)$`, 'gm'))].map((m) => m[1].trim()).at(-1);
/** A YAML flow list `[a, b, c]` as strings. */
const flowList = (text: string) => text.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim());

describe('the image and the Kubernetes manifests', () => {
  it('name the same image, built from this version', () => {
    expect(read('deploy/build-image.sh')).toContain('IMAGE="registry.example.com/ml-data/viewforge:${VERSION}"');
    for (const m of manifests) expect([...m.text.matchAll(/image: (\S+)/g)].map((x) => x[1]), m.path).toEqual([`registry.example.com/ml-data/viewforge:${version}`]);
  });

  it('run node as PID 1 with the image\'s entry point, in its working directory', () => {
    const entry = JSON.parse(instruction('ENTRYPOINT')!) as string[];
    expect(entry).toEqual(['node', 'pipeline/launch-cli.mjs']);
    const workdir = instruction('WORKDIR');
    for (const m of manifests) {
      const command = flowList(/command: (\[.*\])/.exec(m.text)![1]);
      expect(command.slice(0, entry.length), m.path).toEqual(entry);
      expect(['render', 'nightly']).toContain(command[entry.length]);
      expect(m.text, m.path).not.toMatch(/\b(npx|npm run)\b.*pipeline\/cli/);
      expect(/workingDir: (\S+)/.exec(m.text)?.[1], m.path).toBe(workdir);
    }
    expect(existsSync(join(ROOT, 'pipeline/launch-cli.mjs'))).toBe(true);
    // The bundle is built in the image, as root, since the user cannot write node_modules.
    expect(containerfile).toMatch(/^RUN node pipeline\/launch-cli\.mjs --version$/m);
  });

  it('run as the image\'s user, with its Chromium, and mount folders it made for that user', () => {
    expect(instruction('USER')).toBe('1000:1000');
    expect(containerfile).toMatch(/ENV CHROMIUM_PATH=\/usr\/bin\/chromium/);
    expect(containerfile).toMatch(/apt-get install[^\n]*\\\n[^\n]*chromium fonts-liberation/);
    for (const m of manifests) {
      expect(/runAsUser: (\d+)/.exec(m.text)?.[1], m.path).toBe('1000');
      expect(/runAsGroup: (\d+)/.exec(m.text)?.[1], m.path).toBe('1000');
      expect(/name: CHROMIUM_PATH\s+value: (\S+)/.exec(m.text)?.[1], m.path).toBe('/usr/bin/chromium');
      for (const [, path] of m.text.matchAll(/mountPath: (\S+)/g)) {
        if (path === '/dev/shm') continue;
        expect(containerfile, `${m.path} mounts ${path}`).toMatch(new RegExp(`mkdir -p [^\\n]*${path.replace(/\//g, '\\/')}\\b[^\\n]*chown 1000:1000 [^\\n]*${path.replace(/\//g, '\\/')}`));
      }
    }
  });

  it('copy in every folder the product imports from, and ignore none of them', () => {
    const copied = [...containerfile.matchAll(/^COPY (\S+) /gm)].map((m) => m[1]);
    for (const dir of ['pipeline', 'renderers', 'assets', 'schemas', 'tsconfig.json', 'package.json']) expect(copied.join(' '), dir).toContain(dir);
    for (const c of copied) expect(existsSync(join(ROOT, c)), `COPY ${c}`).toBe(true);
    const ignored = read('.containerignore').split('\n').map((l) => l.trim()).filter(Boolean);
    for (const dir of ['pipeline', 'renderers', 'assets', 'schemas']) expect(ignored).not.toContain(dir);
    expect(read('.dockerignore')).toBe(read('.containerignore'));
  });
});
