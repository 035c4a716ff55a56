import { Module } from '@nestjs/common';
import { NotificationPoliciesController } from './notification-policies.controller';
import { NotificationPoliciesService } from './notification-policies.service';

@Module({
  controllers: [NotificationPoliciesController],
  providers: [NotificationPoliciesService],
  exports: [NotificationPoliciesService],
})
export class NotificationPoliciesModule {}
