import { Account } from '../accounts/account.entity';
import { Session } from '../auth/session.entity';
import { PlatformUserEntity } from '../platform-users/platform-user.entity';
import { ProductEntity } from '../products/product.entity';
import { PermissionTemplateEntity } from '../permission-templates/permission-template.entity';
import { NotificationPolicyEntity } from '../notification-policies/notification-policy.entity';
import { CustomerEntity } from '../customers/customer.entity';
import { OrderEntity } from '../orders/order.entity';
import { OrderManagerEntity } from '../orders/order-manager.entity';
import { LicenseEntity } from '../licenses/license.entity';
import { LicenseUserEntity } from '../licenses/license-user.entity';
import { LicenseCustomFieldEntity } from '../licenses/license-custom-field.entity';
import { DeviceEntity } from '../devices/device.entity';
import { ApiKeyEntity } from '../api-keys/api-key.entity';

/** Every TypeORM entity; each module owns its own. */
export const ENTITIES = [
  Account,
  Session,
  PlatformUserEntity,
  ProductEntity,
  PermissionTemplateEntity,
  NotificationPolicyEntity,
  CustomerEntity,
  OrderEntity,
  OrderManagerEntity,
  LicenseEntity,
  LicenseUserEntity,
  LicenseCustomFieldEntity,
  DeviceEntity,
  ApiKeyEntity,
];
