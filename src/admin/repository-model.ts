import type { DataSource, EntityTarget, FindManyOptions, FindOptionsWhere, ObjectLiteral, Repository } from 'typeorm';

/**
 * @adminjs/typeorm expects ActiveRecord entities (static `getRepository`, `find`, … and `instance.save()`).
 * Tally's entities are plain data-mapper classes, so each resource gets this small stand-in that forwards
 * to the app's DataSource. `name` must be the entity class name: AdminJS finds a relation's target by it.
 */
export interface RepositoryModel<T extends ObjectLiteral> {
  name: string;
  getRepository(): Repository<T>;
  count(options: FindManyOptions<T>): Promise<number>;
  find(options: FindManyOptions<T>): Promise<T[]>;
  findOneBy(where: FindOptionsWhere<T>): Promise<T | null>;
  findBy(where: FindOptionsWhere<T>): Promise<T[]>;
  create(params: Partial<T>): T;
}

export function repositoryModel<T extends ObjectLiteral>(db: DataSource, entity: EntityTarget<T> & { name: string }): RepositoryModel<T> {
  const repo = (): Repository<T> => db.getRepository(entity);
  // Non-enumerable, so AdminJS's record params (it flattens the instance) do not show them.
  const activeRecord = (instance: T): T =>
    Object.defineProperties(instance, {
      save: { value: () => repo().save(instance), enumerable: false, configurable: true },
      remove: { value: () => repo().remove(instance), enumerable: false, configurable: true },
    });
  return {
    name: entity.name,
    getRepository: repo,
    count: (options) => repo().count(options),
    find: async (options) => (await repo().find(options)).map(activeRecord),
    findOneBy: async (where) => {
      const row = await repo().findOneBy(where);
      return row && activeRecord(row);
    },
    findBy: async (where) => (await repo().findBy(where)).map(activeRecord),
    create: (params) => activeRecord(repo().create(params as T)),
  };
}
