using System.ComponentModel.DataAnnotations;

namespace Switchyard.ServiceDefaults.Auth;

/// <summary>
/// The operator key that every service's /admin endpoints require (<see cref="AdminKeyFilter"/>). One key for
/// all of them, read from "Quotas:AdminKey": the AppHost passes its secret parameter quota-admin-key to each
/// service as Quotas__AdminKey. Required at start, so a service never runs with its admin API open or shut by mistake.
/// </summary>
public sealed class AdminKeyOptions
{
    public const string SectionName = "Quotas";

    /// <summary>Shorter keys are guessable; the AppHost generates 32 characters.</summary>
    public const int MinimumLength = 16;

    [Required]
    [MinLength(MinimumLength)]
    public string AdminKey { get; set; } = "";
}
