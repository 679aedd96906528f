namespace OmsSync.Engine.Changes;

/// <summary>Where a source transaction stands in two-phase XA.</summary>
public enum XaPhase
{
    /// <summary>An ordinary transaction (including XA ... ONE PHASE): its changes are committed.</summary>
    None,
    /// <summary>XA PREPARE: the changes are durable but not yet committed; the outcome comes in a later item.</summary>
    Prepared,
    /// <summary>XA COMMIT of an earlier prepared transaction: no changes of its own.</summary>
    Committed,
    /// <summary>XA ROLLBACK of an earlier prepared transaction: its prepared changes are void.</summary>
    RolledBack,
}
