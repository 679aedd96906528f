namespace OmsSync.Engine.CutOver;

/// <summary>The steps of a cut-over, in the order they run.</summary>
public enum CutOverStep
{
    /// <summary>The source has committed nothing on the task's tables over the quiet window (skipped with -Force).</summary>
    QuietCheck,
    /// <summary>The forward direction applies up to the source's end and stops there; the position is recorded.</summary>
    StopForward,
    /// <summary>A last full verification (-Verify).</summary>
    Verify,
    /// <summary>System-versioned tables get their versioning, their row versions kept.</summary>
    Versioning,
    /// <summary>Routines and events as the source has them (events with its status), and the triggers.</summary>
    Programs,
    /// <summary>AUTO_INCREMENT counters, identity columns and sequences moved past what the source handed out.</summary>
    Counters,
    /// <summary>-StartReverse: the moved triggers leave the source and its moved events are set DISABLE ON SLAVE, so they do not act twice.</summary>
    RetireSource,
    /// <summary>-StartReverse: the reverse direction starts, keeping the old source as a fallback.</summary>
    StartReverse,
}

/// <summary>Where a step stands.</summary>
public enum CutOverStepStatus { Pending, Running, Done, Skipped, Failed }
