export * from './entities'
export * from './validation'
export * from './covenant'
export * from './enrollment'
