/** Types of scripts/childProcessTime.mjs. */
export declare function childCpuMs(): number;
export declare function median(xs: readonly number[]): number;
