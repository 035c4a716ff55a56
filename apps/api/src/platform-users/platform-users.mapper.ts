import { type Permission, type PlatformUser, type User } from '@keyledger/contract';
import { type PlatformUserEntity } from './platform-user.entity';

export function toPlatformUserDto(u: PlatformUserEntity): PlatformUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isAdmin: u.isAdmin,
    permissionTemplateId: u.permissionTemplateId,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export function toUserDto(u: PlatformUserEntity, permissions: ReadonlySet<Permission>): User {
  return {
    id: u.id,
    accountId: u.accountId,
    email: u.email,
    name: u.name,
    isAdmin: u.isAdmin,
    permissionTemplateId: u.permissionTemplateId,
    permissions: [...permissions],
    createdAt: u.createdAt.toISOString(),
  };
}
