using OmsSync.Engine.Errors;

namespace OmsSync.Engine.Pipeline;

/// <summary>The task must wait for the DBA (e.g. a DDL on a synchronized table while DDL sync is off): the worker suspends it with this message.</summary>
public sealed class TaskPausedException(string errorId, string target, string message) : OmsException(errorId, OmsErrorKind.InvalidState, target, message);
