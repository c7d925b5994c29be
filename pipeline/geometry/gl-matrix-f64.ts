/**
 * gl-matrix configured for float64 arrays.
 *
 * gl-matrix defaults to Float32Array, whose 7 significant digits would leak rounding noise into
 * the ground truth. Every geometry module imports gl-matrix through this file so the setting is
 * applied before any matrix is created.
 */
import { glMatrix } from 'gl-matrix';

glMatrix.setMatrixArrayType(Array);

export { mat3, mat4, vec3, quat } from 'gl-matrix';
