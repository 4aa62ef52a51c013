import { z } from 'zod';

/** Zod building blocks shared by every section of the config schema. */

/** A duration in seconds, more than zero. */
export const seconds = z.number().positive();
/** A share between 0 and 1 inclusive. */
export const share = z.number().min(0).max(1);
/** A number more than zero. */
export const positive = z.number().positive();

/** An object whose fields all have defaults, so an absent section is filled in. */
export const section = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape).prefault({} as z.input<z.ZodObject<T, z.core.$strict>>);
