import { Module } from '@nestjs/common';
import { PlatformUsersController } from './platform-users.controller';
import { PlatformUsersService } from './platform-users.service';

@Module({ controllers: [PlatformUsersController], providers: [PlatformUsersService], exports: [PlatformUsersService] })
export class PlatformUsersModule {}
