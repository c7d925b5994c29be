/**
 * Named part colours: saturated, far apart in hue, each with a plain English name used in
 * questions and reasoning ("the red handle"). Backgrounds are drawn from pale tones that none of
 * these resemble. Every colour must stay nearest to its own word under the lighting the planner
 * draws (the run's colour-name check, docs/look.md#light-and-colour-words): brown was dropped
 * (lit orange and red read as brown, shaded brown as black), orange moved towards yellow and
 * purple towards magenta (away from red and blue).
 */
export interface NamedColor {
  name: string;
  hex: string;
}

export const PART_COLORS: readonly NamedColor[] = [
  { name: 'red', hex: '#d62728' },
  { name: 'blue', hex: '#1f57c4' },
  { name: 'green', hex: '#2ca02c' },
  { name: 'orange', hex: '#ff9214' },
  { name: 'purple', hex: '#a23cbc' },
  { name: 'yellow', hex: '#f2d21b' },
  { name: 'cyan', hex: '#17becf' },
  { name: 'pink', hex: '#f06eb4' },
  { name: 'black', hex: '#222222' },
];

export const BACKGROUND_COLORS: readonly string[] = [
  '#f4f4f2', '#e9eef5', '#f5efe6', '#eef5ee', '#f2ecf4', '#dfe3e8', '#ece6dc', '#e4ece9',
];

/** Ground colours below a procedural sky's horizon (sRGB): grass, dry grass, earth, sand, rock, gravel. */
export const GROUND_COLORS: readonly string[] = ['#5f7a3a', '#8c8a4e', '#7a6648', '#c2ad84', '#7d7b76', '#9a9286'];
