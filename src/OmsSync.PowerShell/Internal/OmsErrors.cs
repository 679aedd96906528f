using System.Management.Automation;
using OmsSync.Engine.Errors;

namespace OmsSync.PowerShell.Internal;

/// <summary>
/// Turns engine errors into ErrorRecords: the engine's stable id becomes the record's id, its kind an
/// ErrorCategory, the object at fault the record's target. Messages already say what to do.
/// </summary>
internal static class OmsErrors
{
    /// <summary><paramref name="input"/> is what the cmdlet was working on, the target when the error names none.</summary>
    public static ErrorRecord From(OmsException exception, object? input = null) =>
        new(exception, exception.ErrorId, Category(exception.Kind), exception.Target ?? input);

    /// <summary>Anything else a background job meets: still an ErrorRecord with a stable id, never a bare exception.</summary>
    public static ErrorRecord Unexpected(Exception exception, string errorId, object? target) => exception switch
    {
        OmsException oms => From(oms, target),
        OperationCanceledException => new ErrorRecord(exception, "OperationStopped", ErrorCategory.OperationStopped, target),
        UnauthorizedAccessException => new ErrorRecord(exception, errorId, ErrorCategory.PermissionDenied, target),
        IOException => new ErrorRecord(exception, errorId, ErrorCategory.ResourceUnavailable, target),
        _ => new ErrorRecord(exception, errorId, ErrorCategory.NotSpecified, target),
    };

    public static ErrorCategory Category(OmsErrorKind kind) => kind switch
    {
        OmsErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        OmsErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        OmsErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        OmsErrorKind.InvalidState => ErrorCategory.InvalidOperation,
        OmsErrorKind.ConnectionFailed => ErrorCategory.ConnectionError,
        OmsErrorKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
        OmsErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        OmsErrorKind.NotSupported => ErrorCategory.NotImplemented,
        OmsErrorKind.DataError => ErrorCategory.InvalidData,
        _ => ErrorCategory.NotSpecified,
    };
}
