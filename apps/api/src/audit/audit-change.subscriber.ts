import {
  type EntitySubscriberInterface,
  EventSubscriber,
  type InsertEvent,
  type LoadEvent,
  type RemoveEvent,
  type UpdateEvent,
} from 'typeorm';
import { currentRecorder } from './recorder-context';
import { auditableOf } from './auditable';

/** Feeds the request's ChangeRecorder with every auditable entity loaded or written. */
@EventSubscriber()
export class AuditChangeSubscriber implements EntitySubscriberInterface {
  afterLoad(entity: any, event?: LoadEvent<any>): void {
    const recorder = currentRecorder();
    const options = recorder && auditableOf(entity?.constructor);
    if (recorder && options && event) recorder.loaded(options, event.metadata, entity);
  }

  afterInsert(event: InsertEvent<any>): void {
    const recorder = currentRecorder();
    const options = recorder && auditableOf(event.metadata.target);
    if (recorder && options) recorder.written(options, event.metadata, event.entity, 'inserted');
  }

  afterUpdate(event: UpdateEvent<any>): void {
    const recorder = currentRecorder();
    const options = recorder && auditableOf(event.metadata.target);
    if (recorder && options && event.entity) recorder.written(options, event.metadata, event.entity, 'updated');
  }

  afterRemove(event: RemoveEvent<any>): void {
    const recorder = currentRecorder();
    const options = recorder && auditableOf(event.metadata.target);
    const id = event.entityId ?? event.databaseEntity?.id;
    if (recorder && options && event.databaseEntity) {
      recorder.written(options, event.metadata, event.databaseEntity, 'removed', id as string);
    }
  }
}
