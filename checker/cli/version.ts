/** The package version, for reports and trace metadata. */
import { PACKAGE_MANIFEST } from './packageRoot';

export const VERSION: string = PACKAGE_MANIFEST.version;
