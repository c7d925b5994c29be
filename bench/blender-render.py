"""Renders one glTF/GLB asset with Blender Cycles from a given camera set and times each image.

Run by bench/blender-bench.ts (never by the pipeline), the way Kubric, BlenderProc and the
Objaverse/Zero123 render scripts drive Blender:

    blender -b --factory-startup --python bench/blender-render.py -- spec.json

spec.json: {"glb": path, "outDir": path, "size": px, "samples": n, "threads": n (0 = all cores),
"targetRadius": half-diagonal of the normalised bounding box,
"views": [{"c2wGl": 4x4 row-major OpenGL camera-to-world, Y-up world, "fovYDeg": deg}, ...]}.

The asset is normalised as viewforge does it: bounding box centred at the origin, scaled so the
box's half-diagonal is `targetRadius` (it fits the unit sphere). glTF is Y-up and Blender Z-up; the importer
turns the asset (x, y, z)_gl into (x, -z, y)_blender, so each camera matrix is turned the same way.
Prints one line `VIEWFORGE_BLENDER {json}` with the load time and the time of every image.
"""
import json
import sys
import time

import bpy
import numpy
from mathutils import Matrix, Vector

# Debian's Blender 3.4 glTF importer still uses `numpy.bool`, an alias NumPy 1.24 removed.
if not hasattr(numpy, "bool_") or "bool" not in numpy.__dict__:
    numpy.bool = bool

# glTF/OpenGL world (Y up) to Blender world (Z up): x -> x, y -> z, z -> -y.
GL_TO_BLENDER = Matrix(((1, 0, 0, 0), (0, 0, -1, 0), (0, 1, 0, 0), (0, 0, 0, 1)))


def load_spec():
    argv = sys.argv[sys.argv.index("--") + 1:]
    with open(argv[0], encoding="utf-8") as f:
        return json.load(f)


def clear_scene():
    for obj in list(bpy.data.objects):
        bpy.data.objects.remove(obj, do_unlink=True)


def import_normalised(path, target_radius):
    """Imports the asset under one empty and scales/centres it into the unit sphere."""
    bpy.ops.import_scene.gltf(filepath=path)
    meshes = [o for o in bpy.context.scene.objects if o.type == "MESH"]
    if not meshes:
        raise SystemExit(f"blender-render: {path} has no mesh")
    bpy.context.view_layer.update()
    lo = Vector((float("inf"),) * 3)
    hi = Vector((float("-inf"),) * 3)
    for obj in meshes:
        for corner in obj.bound_box:
            world = obj.matrix_world @ Vector(corner)
            lo = Vector(map(min, lo, world))
            hi = Vector(map(max, hi, world))
    centre = (lo + hi) / 2
    radius = max((hi - lo).length / 2, 1e-9)
    root = bpy.data.objects.new("viewforge_root", None)
    bpy.context.scene.collection.objects.link(root)
    for obj in bpy.context.scene.objects:
        if obj.parent is None and obj is not root:
            obj.parent = root
    root.matrix_world = Matrix.Scale(target_radius / radius, 4) @ Matrix.Translation(-centre)
    return len(meshes)


def setup_scene(spec):
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = spec["samples"]
    scene.cycles.use_denoising = False
    scene.cycles.use_adaptive_sampling = False
    if spec.get("threads", 0) > 0:
        scene.render.threads_mode = "FIXED"
        scene.render.threads = spec["threads"]
    scene.render.resolution_x = spec["size"]
    scene.render.resolution_y = spec["size"]
    scene.render.resolution_percentage = 100
    scene.render.image_settings.file_format = "JPEG"
    scene.render.image_settings.quality = 90
    world = bpy.data.worlds.new("viewforge_world") if scene.world is None else scene.world
    scene.world = world
    world.use_nodes = True
    world.node_tree.nodes["Background"].inputs[0].default_value = (0.5, 0.5, 0.5, 1)
    sun = bpy.data.lights.new("key", type="SUN")
    sun.energy = 3
    sun_obj = bpy.data.objects.new("key", sun)
    sun_obj.rotation_euler = (0.8, 0.2, 0.6)
    scene.collection.objects.link(sun_obj)
    cam = bpy.data.cameras.new("camera")
    cam.sensor_fit = "VERTICAL"
    cam_obj = bpy.data.objects.new("camera", cam)
    scene.collection.objects.link(cam_obj)
    scene.camera = cam_obj
    return cam_obj


def main():
    spec = load_spec()
    t0 = time.perf_counter()
    clear_scene()
    meshes = import_normalised(spec["glb"], spec["targetRadius"])
    cam_obj = setup_scene(spec)
    load_ms = (time.perf_counter() - t0) * 1000
    image_ms = []
    for i, view in enumerate(spec["views"]):
        cam_obj.matrix_world = GL_TO_BLENDER @ Matrix(view["c2wGl"])
        cam_obj.data.angle_y = view["fovYDeg"] * 3.141592653589793 / 180
        bpy.context.scene.render.filepath = f"{spec['outDir']}/view-{i:03d}.jpg"
        t = time.perf_counter()
        bpy.ops.render.render(write_still=True)
        image_ms.append((time.perf_counter() - t) * 1000)
    print("VIEWFORGE_BLENDER " + json.dumps({"meshes": meshes, "load_ms": load_ms, "image_ms": image_ms, "version": bpy.app.version_string}))


main()
