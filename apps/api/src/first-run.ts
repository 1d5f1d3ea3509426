import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { AuthService } from '@app/auth';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** On the first start: create the local admin and say how to sign in. */
@Injectable()
export class FirstRun implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstRun');

  constructor(@Inject(AppConfig) private readonly config: AppConfig, @Inject(AuthService) private readonly auth: AuthService) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = await this.auth.ensureAdmin(this.config.admin.email, this.config.admin.password);
    if (admin) {
      const file = join(this.config.dataDir, 'admin-credentials.txt');
      writeFileSync(file, `email: ${admin.email}\npassword: ${admin.password}\n`, { mode: 0o600 });
      const howTo =
        `Created admin ${admin.email} (password in ${file}). Sign in: ` +
        `mutation { login(email: "${admin.email}", password: "…") { token } }, or run: npx matchlab login`;
      this.logger.log(howTo);
      process.stdout.write(`\n${howTo}\n\n`);
    }
  }
}
