/**
 * glTF extensions the render page can honour when a model lists them in `extensionsRequired`:
 * those three's GLTFLoader (r187) implements, plus Draco and meshopt geometry compression, whose
 * decoders the page server serves from the installed `three` package. A model requiring anything
 * else (e.g. KHR_texture_basisu, which needs a KTX2 transcoder the page does not load) is skipped.
 * Extensions that are only *used* (not required) never skip a model: the loader ignores those it lacks.
 */
export const SUPPORTED_EXTENSIONS: ReadonlySet<string> = new Set([
  'KHR_draco_mesh_compression',
  'EXT_meshopt_compression',
  'KHR_meshopt_compression',
  'KHR_mesh_quantization',
  'KHR_texture_transform',
  'KHR_materials_unlit',
  'KHR_materials_emissive_strength',
  'KHR_materials_clearcoat',
  'KHR_materials_ior',
  'KHR_materials_specular',
  'KHR_materials_transmission',
  'KHR_materials_volume',
  'KHR_materials_sheen',
  'KHR_materials_iridescence',
  'KHR_materials_anisotropy',
  'KHR_materials_dispersion',
  'KHR_materials_diffuse_roughness',
  'EXT_materials_bump',
  'KHR_lights_punctual',
  'EXT_texture_webp',
  'EXT_texture_avif',
]);
