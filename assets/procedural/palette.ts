/**
 * Named part colours: saturated, far apart in hue, each with a plain English name used in
 * questions and reasoning ("the red handle"). Backgrounds are drawn from pale tones that none of
 * these resemble.
 */
export interface NamedColor {
  name: string;
  hex: string;
}

export const PART_COLORS: readonly NamedColor[] = [
  { name: 'red', hex: '#d62728' },
  { name: 'blue', hex: '#1f57c4' },
  { name: 'green', hex: '#2ca02c' },
  { name: 'orange', hex: '#ff7f0e' },
  { name: 'purple', hex: '#8e44c9' },
  { name: 'yellow', hex: '#f2d21b' },
  { name: 'cyan', hex: '#17becf' },
  { name: 'pink', hex: '#f06eb4' },
  { name: 'brown', hex: '#8c564b' },
  { name: 'black', hex: '#222222' },
];

export const BACKGROUND_COLORS: readonly string[] = [
  '#f4f4f2', '#e9eef5', '#f5efe6', '#eef5ee', '#f2ecf4', '#dfe3e8', '#ece6dc', '#e4ece9',
];
