// Types for the tests of check-thresholds.js (the scripts are plain Node, run without a build).
export interface Measure { total: number; covered: number; pct?: number }
export type FileSummary = Record<'lines' | 'branches' | 'functions' | 'statements', Measure>;
export interface Thresholds {
  global?: Partial<Record<'lines' | 'branches' | 'functions' | 'statements', number>>;
  paths?: Record<string, Partial<Record<'lines' | 'branches' | 'functions' | 'statements', number>>>;
}
export function summarize(files: Record<string, FileSummary>, prefix: string): Partial<Record<keyof FileSummary, Required<Measure>>>;
export function checkThresholds(files: Record<string, FileSummary>, thresholds: Thresholds): string[];
