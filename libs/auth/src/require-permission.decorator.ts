import { SetMetadata } from '@nestjs/common';
import type { Permission } from './permissions.js';

export const PERMISSION_KEY = 'matchlab:permission';

/** Every resolver field declares the one permission it needs; the guard refuses fields without one. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** Readable by anyone, signed in or not (job postings, as on any job board). */
export const Public = () => RequirePermission('public');
