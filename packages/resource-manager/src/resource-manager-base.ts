import type { AllocationId, JobMasterId, ResourceId, ResourceManagerGateway, SlotRequest } from "@slotpool/core";
import { Observable, type SchedulerLike, Subject, type Subscriber } from "rxjs";
import { Mailbox } from "./mailbox.js";
import type {
  JobMasterToTaskExecutor,
  ResourceManagerId,
  ResourceManagerToTaskExecutor,
  TaskExecutorToJobMaster,
  TaskExecutorToResourceManager,
} from "./protocol.js";
import type { JobMasterMessage, ResourceManagerAdapter, ResourceManagerSession } from "./resource-manager-adapter.js";
import { ResourceManagerCore, type ResourceManagerCoreOptions } from "./resource-manager-core.js";
import { TaskExecutorConnections } from "./task-executor-connections.js";

/** The worker side an adapter supplies to {@link ResourceManagerBase}. */
export interface WorkerDriver {
  /** Delivers a message from the resource manager or a job master to a TaskExecutor (if it runs). */
  sendToTaskExecutor(id: ResourceId, message: ResourceManagerToTaskExecutor | JobMasterToTaskExecutor): void;
  /** Starts one elastic worker; returns its id (it registers later), or undefined. */
  startWorker(): ResourceId | undefined;
  /** Stops a worker for good: `graceful` (idle) lets it exit by itself first; otherwise (unreachable, declared dead) it is killed. */
  stopWorker(id: ResourceId, cause: Error, graceful: boolean): void;
  /** Workers running now (registered or starting). */
  liveWorkers(): Iterable<ResourceId>;
}

/**
 * What both adapters share: the resource-manager core, the job-master side of the TaskExecutor
 * links, and the job-master-facing contract, all exchanging messages through one {@link Mailbox}
 * (so no party is ever re-entered while it handles a message).
 */
export abstract class ResourceManagerBase implements ResourceManagerAdapter {
  /** {@inheritDoc ResourceManagerAdapter.messages$} */
  readonly messages$: Observable<JobMasterMessage>;
  /** The scheduler every timer runs on. */
  readonly scheduler: SchedulerLike;
  protected readonly subject: Subject<JobMasterMessage> = new Subject<JobMasterMessage>();
  protected readonly mailbox: Mailbox;
  protected readonly core: ResourceManagerCore;
  protected readonly connections: TaskExecutorConnections;
  protected abstract readonly driver: WorkerDriver;

  // Handlers bound once, so posting a message allocates nothing but the queue slot.
  protected readonly toResourceManager = (m: TaskExecutorToResourceManager): void => this.core.receive(m.resourceId, m);
  protected readonly toJobMaster = (m: TaskExecutorToJobMaster): void => this.connections.receive(m.resourceId, m);
  protected readonly emit = (m: JobMasterMessage): void => this.subject.next(m);
  private readonly onGone = (m: { id: ResourceId; cause: Error }): void =>
    this.connections.taskExecutorGone(m.id, m.cause);
  protected readonly onLost = (m: { id: ResourceId; cause: Error }): void => this.core.taskExecutorLost(m.id, m.cause);

  /**
   * @param scheduler - runs every timer.
   * @param dispatchScheduler - delivers messages (default `scheduler`).
   */
  constructor(
    scheduler: SchedulerLike,
    latencyMs: number,
    onError: (error: unknown) => void,
    coreOptions: ResourceManagerCoreOptions,
    dispatchScheduler: SchedulerLike = scheduler,
  ) {
    this.scheduler = scheduler;
    this.mailbox = new Mailbox(dispatchScheduler, latencyMs, onError);
    this.core = new ResourceManagerCore(coreOptions, {
      scheduler,
      sendToTaskExecutor: (id, message) => this.driver.sendToTaskExecutor(id, message),
      taskExecutorGone: (id, cause) => this.mailbox.post(this.onGone, { id, cause }),
      sessionChanged: (event) => this.mailbox.post(this.emit, event),
      startWorker: () => this.driver.startWorker(),
      stopWorker: (id, cause, graceful) => this.driver.stopWorker(id, cause, graceful),
      liveWorkers: () => this.driver.liveWorkers(),
    });
    this.connections = new TaskExecutorConnections(
      (id, message) => this.driver.sendToTaskExecutor(id, message),
      this.emit,
    );
    this.messages$ = this.subject.asObservable();
  }

  /** {@inheritDoc ResourceManagerAdapter.registerJobMaster} */
  registerJobMaster(jobId: string, jobMasterId: JobMasterId): Observable<ResourceManagerSession> {
    return new Observable<ResourceManagerSession>((subscriber) => {
      this.mailbox.post(this.onRegisterJobMaster, { jobId, jobMasterId, subscriber });
    });
  }

  /** {@inheritDoc ResourceManagerAdapter.disconnectJobMaster} */
  disconnectJobMaster(jobId: string, jobMasterId: JobMasterId, _cause: Error): void {
    this.mailbox.post(this.onDisconnectJobMaster, { jobId, jobMasterId });
  }

  /** {@inheritDoc ResourceManagerAdapter.reportTaskExecutorLost} */
  reportTaskExecutorLost(resourceId: ResourceId, jobMasterId: JobMasterId, cause: Error): void {
    this.mailbox.post(this.onReportedLost, { resourceId, jobMasterId, cause });
  }

  private readonly onRegisterJobMaster = (m: {
    jobId: string;
    jobMasterId: JobMasterId;
    subscriber: Subscriber<ResourceManagerSession>;
  }): void => {
    const result = this.core.registerJobMaster(m.jobId, m.jobMasterId);
    this.mailbox.post(this.onRegistrationAnswer, { jobMasterId: m.jobMasterId, subscriber: m.subscriber, result });
  };

  private readonly onRegistrationAnswer = (m: {
    jobMasterId: JobMasterId;
    subscriber: Subscriber<ResourceManagerSession>;
    result: ResourceManagerId | Error;
  }): void => {
    if (m.subscriber.closed) return;
    if (m.result instanceof Error) {
      m.subscriber.error(m.result);
      return;
    }
    m.subscriber.next({ resourceManagerId: m.result, gateway: this.gatewayFor(m.result, m.jobMasterId) });
    m.subscriber.complete();
  };

  private readonly onDisconnectJobMaster = (m: { jobId: string; jobMasterId: JobMasterId }): void =>
    this.core.disconnectJobMaster(m.jobId, m.jobMasterId);

  private readonly onReportedLost = (m: { resourceId: ResourceId; jobMasterId: JobMasterId; cause: Error }): void => {
    // Only a current leader may declare a TaskExecutor dead.
    if (!this.core.isJobMaster(m.jobMasterId)) {
      this.core.stats.staleMessages++;
      return;
    }
    this.driver.stopWorker(m.resourceId, m.cause, false);
    this.core.taskExecutorLost(m.resourceId, m.cause);
  };

  private gatewayFor(session: ResourceManagerId, token: JobMasterId): ResourceManagerGateway {
    return {
      requestSlot: (request: SlotRequest) =>
        new Observable<unknown>((subscriber) => {
          this.mailbox.post(this.onRequestSlot, { session, request, subscriber });
        }),
      cancelSlotRequest: (allocationId: AllocationId) =>
        this.mailbox.post(this.onCancelSlotRequest, { session, token, allocationId }),
    };
  }

  private readonly onRequestSlot = (m: {
    session: ResourceManagerId;
    request: SlotRequest;
    subscriber: Subscriber<unknown>;
  }): void => {
    const error = this.core.requestSlot(m.session, m.request);
    this.mailbox.post(this.onRequestAnswer, { subscriber: m.subscriber, error });
  };

  private readonly onRequestAnswer = (m: { subscriber: Subscriber<unknown>; error: Error | undefined }): void => {
    if (m.subscriber.closed) return;
    if (m.error !== undefined) {
      m.subscriber.error(m.error);
      return;
    }
    m.subscriber.next("ack");
    m.subscriber.complete();
  };

  private readonly onCancelSlotRequest = (m: {
    session: ResourceManagerId;
    token: JobMasterId;
    allocationId: AllocationId;
  }): void => this.core.cancelSlotRequest(m.session, m.token, m.allocationId);
}
