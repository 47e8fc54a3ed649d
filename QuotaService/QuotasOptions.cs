using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchyard.QuotaService;

/// <summary>Section "Quotas". The tenants to seed are read from "Quotas:SeedTenants" by <see cref="TenantSeeder"/>.</summary>
public sealed class QuotasOptions
{
    public const string SectionName = "Quotas";

    /// <summary>Guards the admin API; the AppHost passes it from a secret parameter (Quotas__AdminKey).</summary>
    [Required]
    [MinLength(16)]
    public string AdminKey { get; set; } = "";
}

[OptionsValidator]
public sealed partial class QuotasOptionsValidator : IValidateOptions<QuotasOptions>;
