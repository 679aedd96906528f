# The module as a whole, as pwsh users check it first: manifest, exports, about help, views, completion.
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
    $module = Get-Module OmsSync
}
AfterAll { Remove-TestHome $stateHome }

Describe 'The OmsSync module' {
    Context 'manifest and assembly' {
        It 'passes Test-ModuleManifest' {
            $manifest = Test-ModuleManifest (Join-Path $module.ModuleBase 'OmsSync.psd1')
            $manifest.Name | Should -Be 'OmsSync'
            $manifest.PowerShellVersion | Should -Be '7.4'
            $manifest.CompatiblePSEditions | Should -Be 'Core'
        }
        It 'exports exactly the 34 cmdlets' {
            $module.ExportedCmdlets.Keys | Sort-Object | Should -Be @(
                'Copy-OmsTask', 'Enable-OmsReverse', 'Export-OmsConflict', 'Export-OmsTask', 'Get-OmsAlert', 'Get-OmsConflict', 'Get-OmsDataSource', 'Get-OmsDdl', 'Get-OmsStateStore', 'Get-OmsTask', 'Get-OmsVerificationResult',
                'Import-OmsTask', 'New-OmsDataSource', 'New-OmsTask', 'Remove-OmsDataSource', 'Remove-OmsTask', 'Rename-OmsTask', 'Repair-OmsDifference', 'Resolve-OmsConflict', 'Resume-OmsTask',
                'Set-OmsAlert', 'Set-OmsConflictPolicy', 'Set-OmsDataSource', 'Set-OmsStateStore', 'Set-OmsTask', 'Skip-OmsDdl', 'Start-OmsForward', 'Start-OmsVerification', 'Stop-OmsTask',
                'Stop-OmsVerification', 'Suspend-OmsTask', 'Switch-OmsTask', 'Test-OmsDataSource', 'Test-OmsTask')
        }
        It 'is built for net8.0 against PowerShellStandard.Library, so that pwsh 7.4 loads it' {
            $assembly = [OmsSync.PowerShell.Output.OmsTask].Assembly
            $framework = $assembly.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], $false)[0].FrameworkName
            $framework | Should -Be '.NETCoreApp,Version=v8.0'
            ($assembly.GetReferencedAssemblies() | Where-Object Name -eq 'System.Management.Automation').Version | Should -BeLessThan ([version] '7.4')
        }
        It 'ships neither PowerShell nor its SDK' {
            $files = (Get-ChildItem $module.ModuleBase -Recurse -File).Name
            $files | Should -Not -Contain 'System.Management.Automation.dll'
            $files | Where-Object { $_ -like 'Microsoft.PowerShell.*' -or $_ -like 'Microsoft.Management.Infrastructure*' } | Should -BeNullOrEmpty
        }
        It 'has the about_OmsSync topic' {
            $about = Get-Help about_OmsSync | Out-String
            $about | Should -BeLike '*about_OmsSync*'
            $about | Should -BeLike '*SHORT DESCRIPTION*'
            $about | Should -BeLike '*Start-OmsForward*'
        }
    }

    Context 'views' -Tag Integration {
        BeforeAll {
            # Objects of every output type, from real work on the test servers.
            $conflicted = New-TestConflictMigration views
            $null = Set-OmsTask $conflicted.Task -MigrationType Schema, Full, Verify -Confirm:$false -ErrorAction SilentlyContinue
            Invoke-TestSql MariaDbB "UPDATE t SET v = 'changed' WHERE id = 1" -Database $conflicted.TargetDatabase
            $results = Start-OmsVerification $conflicted.Task -Wait -Confirm:$false
            $ddlDb = New-TestDatabaseName viewddl
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$ddlDb``; CREATE TABLE ``$ddlDb``.t (id INT PRIMARY KEY)"
            $ddlTask = New-TestTask -Database $ddlDb -MigrationType 'Schema,Full,Incremental' -Options @{ IncrementalDdl = $true }
            $null = Start-OmsForward $ddlTask.Task -Wait -Confirm:$false
            Wait-TestTaskPhase $ddlTask.Task
            Invoke-TestSql MariaDbA 'ALTER TABLE t ADD COLUMN note VARCHAR(200) COMMENT ''a rather long comment that makes the statement longer than a table row''' -Database $ddlDb
            Wait-TestCondition -What 'the DDL record' -Condition { Get-OmsDdl $ddlTask.Task }
            $job = Start-OmsVerification $conflicted.Task -Include '*.t' -Confirm:$false
            $null = Wait-Job $job -Timeout 60
            $objects = @{
                'OmsSync.PowerShell.Output.OmsDataSource'             = @(Get-OmsDataSource $conflicted.Source)
                'OmsSync.PowerShell.Output.OmsTask'                   = @(Get-OmsTask $conflicted.Task, $ddlTask.Task)
                'OmsSync.PowerShell.Output.OmsTableProgress'          = @((Get-OmsTask $conflicted.Task).Tables)
                'OmsSync.PowerShell.Output.OmsCheck'                  = @(Test-OmsTask $conflicted.Task)
                'OmsSync.PowerShell.Output.OmsConflict'               = @(Get-OmsConflict $conflicted.Task)
                'OmsSync.PowerShell.Output.OmsDdl'                    = @(Get-OmsDdl $ddlTask.Task)
                'OmsSync.PowerShell.Output.OmsVerificationResult'     = @($results)
                'OmsSync.PowerShell.Output.OmsVerificationDifference' = @(Get-OmsVerificationResult $conflicted.Task -Detail)
                'OmsSync.PowerShell.Jobs.OmsWorkerJob'                = @($job)
                'OmsSync.Engine.Conflicts.ConflictRule'               = @(Set-OmsConflictPolicy $ddlTask.Task Overwrite -Direction Forward -PassThru -Confirm:$false)
            }
            $switched = (Switch-OmsTask $ddlTask.Task -Force -PassThru -Confirm:$false)[0].CutOver
            $objects['OmsSync.PowerShell.Output.OmsCutOver'] = @($switched)
            $objects['OmsSync.PowerShell.Output.OmsCutOverStep'] = @($switched.Steps)
            # The column each type's rows are known by; it must show whole.
            $keys = @{
                'OmsSync.PowerShell.Output.OmsDataSource' = 'Name'; 'OmsSync.PowerShell.Output.OmsTask' = 'Name'
                'OmsSync.PowerShell.Output.OmsTableProgress' = 'SourceTable'; 'OmsSync.PowerShell.Output.OmsCheck' = 'Check'
                'OmsSync.PowerShell.Output.OmsConflict' = 'Table'; 'OmsSync.PowerShell.Output.OmsDdl' = 'Outcome'
                'OmsSync.PowerShell.Output.OmsVerificationResult' = 'SourceTable'; 'OmsSync.PowerShell.Output.OmsVerificationDifference' = 'Table'
                'OmsSync.PowerShell.Jobs.OmsWorkerJob' = 'Name'; 'OmsSync.Engine.Conflicts.ConflictRule' = 'Policy'
                'OmsSync.PowerShell.Output.OmsCutOver' = 'Task'; 'OmsSync.PowerShell.Output.OmsCutOverStep' = 'Step'
            }
        }
        AfterAll {
            $job | Remove-Job -Force -ErrorAction SilentlyContinue
            Remove-TestTask $conflicted; Remove-TestDatabase $conflicted.Database
            Remove-TestTask $ddlTask; Remove-TestDatabase $ddlDb
        }

        It 'has objects of every output type to show' {
            foreach ($type in $objects.Keys) { $objects[$type].Count | Should -BeGreaterThan 0 -Because "$type needs objects to show" }
            foreach ($type in $objects.Keys) { $objects[$type][0].PSObject.TypeNames | Should -Contain $type }
        }
        It 'shows <_> as a table by default that fits 120 columns with its key column whole' -ForEach @(
            'OmsSync.PowerShell.Output.OmsDataSource', 'OmsSync.PowerShell.Output.OmsTask', 'OmsSync.PowerShell.Output.OmsTableProgress',
            'OmsSync.PowerShell.Output.OmsCheck', 'OmsSync.PowerShell.Output.OmsConflict', 'OmsSync.PowerShell.Output.OmsDdl',
            'OmsSync.PowerShell.Output.OmsVerificationResult', 'OmsSync.PowerShell.Output.OmsVerificationDifference',
            'OmsSync.PowerShell.Jobs.OmsWorkerJob', 'OmsSync.Engine.Conflicts.ConflictRule', 'OmsSync.PowerShell.Output.OmsCutOver',
            'OmsSync.PowerShell.Output.OmsCutOverStep') {
            $type = $_
            $view = (Get-FormatData -TypeName $type -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition | Select-Object -First 1
            $view.Control.GetType().Name | Should -Be 'TableControl'
            $text = $objects[$type] | Out-String -Width 120
            $lines = @($text -split "`n" | ForEach-Object TrimEnd | Where-Object { $_ })
            $lines | Where-Object { $_.Length -gt 120 } | Should -BeNullOrEmpty
            $lines[1] | Should -Match '^[\s-]+$' # the header's underline: a table, not a list
            foreach ($object in $objects[$type]) {
                $key = "$($object.($keys[$type]))"
                ($lines | Where-Object { $_.Contains($key) }) | Should -Not -BeNullOrEmpty -Because "the $($keys[$type]) '$key' must show whole"
            }
        }
        It 'has a list view with the details of <Type>' -ForEach @(
            @{ Type = 'OmsSync.PowerShell.Output.OmsTask'; Label = 'Position' }
            @{ Type = 'OmsSync.PowerShell.Output.OmsConflict'; Label = 'SourceAfter' }
            @{ Type = 'OmsSync.PowerShell.Output.OmsDdl'; Label = 'TargetSql' }
            @{ Type = 'OmsSync.PowerShell.Output.OmsVerificationDifference'; Label = 'SourceRow' }
            @{ Type = 'OmsSync.PowerShell.Output.OmsVerificationResult'; Label = 'MissingOnTarget' }
            @{ Type = 'OmsSync.PowerShell.Output.OmsCheck'; Label = 'Message' }) {
            $text = $objects[$Type] | Format-List | Out-String -Width 120
            $text | Should -Match "(?m)^$Label\s+: "
        }
    }

    Context 'tab completion' -Tag Integration {
        BeforeAll {
            $db = New-TestSourceDatabase complete 20
            $t = New-TestTask -Database $db
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
            function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'completes task names' {
            Complete "Start-OmsForward $($t.Task.Substring(0, 10))" | Should -Be $t.Task
            Complete "Get-OmsTask '$($t.Task.Substring(0, 10))" | Should -Be $t.Task
        }
        It 'completes data source names' {
            Complete "Get-OmsDataSource -Name $($t.Source.Substring(0, 8))" | Should -Be $t.Source
            Complete "New-OmsTask x -Target $($t.Target.Substring(0, 8))" | Should -Contain $t.Target
        }
        It 'completes directions' {
            Complete "Stop-OmsTask $($t.Task) -Direction " | Should -Be 'Forward', 'Reverse'
            Complete "Get-OmsConflict -Direction Rev" | Should -Be 'Reverse'
        }
        It 'completes the table names of the task named' {
            Complete "Get-OmsConflict -Name $($t.Task) -Table $db" | Should -Be "$db.items", "$($t.TargetDatabase).items"
            Complete "Set-OmsConflictPolicy $($t.Task) Overwrite -Table $($t.TargetDatabase)" | Should -Be "$($t.TargetDatabase).items"
            Complete "Get-OmsVerificationResult -Name no-such-task -Table $db" | Should -BeNullOrEmpty
        }
    }
}
