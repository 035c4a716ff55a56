import { Account } from '../accounts/account.entity';
import { Session } from '../auth/session.entity';
import { PlatformUserEntity } from '../platform-users/platform-user.entity';
import { ProductEntity } from '../products/product.entity';

/** Every TypeORM entity; each module owns its own. */
export const ENTITIES = [Account, Session, PlatformUserEntity, ProductEntity];
