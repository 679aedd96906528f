namespace OmsSync.Engine.Model;

/// <summary>
/// A phase after which the forward direction waits for the DBA (OMS "automatically enter next stage: No"): the worker
/// suspends itself once the phase is complete, and Resume-OmsTask goes on with the next one.
/// </summary>
public enum StopAfter
{
    /// <summary>Every phase follows the one before it.</summary>
    None,
    /// <summary>Wait once the target's schema is made, before any row is copied.</summary>
    Schema,
    /// <summary>Wait once the rows are copied (and deferred indexes and foreign keys made), before incremental synchronization or verification.</summary>
    Full,
}
