namespace OmsSync.Engine.Model;

/// <summary>The phases a task runs, in this order.</summary>
[Flags]
public enum MigrationTypes
{
    None = 0,
    Schema = 1,
    Full = 2,
    Incremental = 4,
    Verify = 8,
}

public enum Topology { OneWay, Bidirectional }

/// <summary>What full migration does when a target table already holds rows (OMS "Handle Non-empty Tables").</summary>
public enum NonEmptyTargetAction { Stop, Ignore }

/// <summary>When secondary (non-unique) indexes are created on the target (OMS "Normal Index Migration Method").</summary>
public enum IndexMigration { WithSchema, AfterFull, None }

public enum TaskStatus { Created, Running, Suspended, Stopped, Completed, Failed }

public enum TaskPhase { None, PreCheck, Schema, Full, Index, Incremental, Verify, Done }

public enum Direction { Forward, Reverse }
