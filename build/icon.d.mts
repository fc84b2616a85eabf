// Types of build/icon.mjs (a plain script, so the release needs no TypeScript step).
export declare const SIZE: number;
export declare function iconSvg(): string;
export declare function renderIconPixels(): Uint8Array;
export declare function renderIconPng(): Buffer;
